// Draws a firm's platform series (网站对接) from the numbers embedded by json_script.
(function () {
  "use strict";
  var node = document.getElementById("risk-series");
  if (!node || typeof Chart === "undefined") { return; }
  var platforms = JSON.parse(node.textContent);
  if (!platforms.length) { return; }
  var data = platforms[0];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  function chart(canvasId, datasets, scales) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    new Chart(canvas, {
      data: { labels: data.months, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales
      }
    });
  }
  chart("risk-chart-yield", [
    { type: "line", label: "平均年化收益率（%）", data: data.avg_yield, borderColor: "#a61b1b", yAxisID: "y" },
    { type: "line", label: "运营数据分", data: data.score, borderColor: "#1a4f8b", yAxisID: "y1", stepped: true }
  ], { y: { position: "left" }, y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } });
  chart("risk-chart-funds", [
    { type: "bar", label: "近30日资金净流入（万元）", data: data.net_inflow_30d, backgroundColor: "#c98b2b", yAxisID: "y1" },
    { type: "line", label: "月末借贷余额（万元）", data: data.balance, borderColor: "#1a4f8b", yAxisID: "y" }
  ], { y: { position: "left", beginAtZero: true }, y1: { position: "right", grid: { drawOnChartArea: false } } });
  chart("risk-chart-shares", [
    { type: "line", label: "前十大出借人待收占比（%）", data: data.top10_lender_share, borderColor: "#5b6b2b", yAxisID: "y" },
    { type: "line", label: "前十大借款人待还占比（%）", data: data.top10_borrower_share, borderColor: "#a61b1b", yAxisID: "y" },
    { type: "line", label: "平均借款期限（月）", data: data.avg_term, borderColor: "#1a4f8b", yAxisID: "y1" }
  ], { y: { position: "left", min: 0, max: 100 }, y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } });
})();
