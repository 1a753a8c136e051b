// Draws the case dashboard's bar charts from the figures embedded by json_script.
(function () {
  "use strict";
  var node = document.getElementById("case-chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  function shortLabel(label) {
    return String(label).split("（")[0];
  }
  function bars(canvasId, series, horizontal) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    var sets = [{ label: "案件（件）", data: series.counts, backgroundColor: "#1a4f8b" }];
    if (series.open) {
      sets.push({ label: "未结", data: series.open, backgroundColor: "#d4a017" });
    }
    if (series.overdue) {
      sets.push({ label: "整改逾期", data: series.overdue, backgroundColor: "#a61b1b" });
    }
    new Chart(canvas, {
      type: "bar",
      // A bracketed gloss (跨领域（准入、资金…）) is for the table, not the axis.
      data: { labels: series.labels.map(shortLabel), datasets: sets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: sets.length > 1 } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  }
  bars("chart-state", data.state, true);
  bars("chart-domain", data.domain, true);
  bars("chart-city", data.city, true);
})();
