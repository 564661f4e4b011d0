// The dashboard's charts, drawn from the numbers the page already shows in its tables.
// Without ECharts (assets not installed) the tables alone remain, and nothing breaks.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var names = data.names;
    var trendEl = document.getElementById("trend-chart");
    if (trendEl) {
      var trend = window.echarts.init(trendEl);
      trend.setOption({
        tooltip: { trigger: "axis" },
        // One scrolling line of legend, and the plot below it: on a phone the four names would
        // wrap onto a second line and sit on top of the bars.
        legend: { top: 0, type: "scroll" },
        grid: { left: 4, right: 4, top: 40, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: data.months },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
        series: [
          { name: names.received, type: "bar", data: data.received, itemStyle: { color: "#b91c1c" } },
          { name: names.handled, type: "bar", data: data.handled, itemStyle: { color: "#94a3b8" } },
          { name: names.satisfaction, type: "line", yAxisIndex: 1, data: data.satisfaction, itemStyle: { color: "#15803d" } },
          { name: names.on_time, type: "line", yAxisIndex: 1, data: data.on_time, itemStyle: { color: "#1d4ed8" } }
        ]
      });
      window.addEventListener("resize", function () { trend.resize(); });
    }
    var channelEl = document.getElementById("channel-chart");
    if (channelEl && data.channels.length) {
      var channels = window.echarts.init(channelEl);
      channels.setOption({
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["40%", "70%"], data: data.channels, label: { formatter: "{b}\n{d}%" } }]
      });
      window.addEventListener("resize", function () { channels.resize(); });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
