/* Dashboards: each <div data-chart="id"> is drawn with ECharts from the JSON in <script id="id">.
 * A bar or slice whose label has a link opens that organization's dashboard (drill-down).
 * The figures are also in the table beside each chart, for screen readers and printing.
 */
(function () {
  "use strict";
  const PALETTE = ["#c8102e", "#e07b00", "#2f6db5", "#3a8d3a", "#7d4ea3", "#8a6d3b", "#d14b8f", "#4a9aa8"];

  function option(data) {
    if (data.kind === "pie") {
      return {
        color: PALETTE,
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["35%", "65%"], top: -20,
          data: data.labels.map(function (label, i) { return { name: label, value: data.series[0].values[i] }; }),
        }],
      };
    }
    return {
      color: PALETTE,
      tooltip: { trigger: "axis" },
      legend: { top: 0, show: data.series.length > 1 },
      grid: { left: 40, right: 10, top: data.series.length > 1 ? 30 : 10, bottom: 70 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 40, interval: 0, fontSize: 11 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; }),
    };
  }

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      const source = document.getElementById(element.dataset.chart);
      if (!source) { return; }
      const data = JSON.parse(source.textContent);
      const chart = window.echarts.init(element);
      chart.setOption(option(data));
      chart.on("click", function (params) {
        const link = data.links && data.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
