// A survey's charts, drawn from the counts the page already shows in its tables.
// Without ECharts (assets not installed) the tables alone remain.
(function () {
  "use strict";
  function bar(el, labels, counts) {
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 20, top: 16, bottom: 40 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, overflow: "truncate", width: 80 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: counts, itemStyle: { color: "#b91c1c" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function draw() {
    var source = document.getElementById("survey-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var towns = document.getElementById("towns-chart");
    if (towns && data.towns.labels.length) { bar(towns, data.towns.labels, data.towns.counts); }
    data.charts.forEach(function (c) {
      var el = document.getElementById(c.id);
      if (el) { bar(el, c.labels, c.counts); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
