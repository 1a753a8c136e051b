// Draws the statistics page's charts from the figures embedded by json_script.
(function () {
  "use strict";
  var node = document.getElementById("stats-chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  function draw(canvasId, type, labels, sets, horizontal) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: sets },
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
  draw("chart-city", "bar", data.city.labels, [
    { label: "监测企业（户）", data: data.city.watched, backgroundColor: "#1a4f8b" },
    { label: "问题企业（户）", data: data.city.problems, backgroundColor: "#a61b1b" }
  ], true);
  draw("chart-state", "bar", data.state.labels, [
    { label: "案件（件）", data: data.state.cases, backgroundColor: "#1a4f8b" }
  ], true);
  draw("chart-month", "bar", data.month.labels, [
    { type: "line", label: "累计（户）", data: data.month.cumulative, borderColor: "#1a4f8b", backgroundColor: "#1a4f8b" },
    { label: "当月新增（户）", data: data.month.new, backgroundColor: "#a61b1b" }
  ], false);
})();
