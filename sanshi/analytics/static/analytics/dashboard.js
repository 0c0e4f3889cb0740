/* The dashboard's charts: numbers from the JSON data island, drawn with ECharts (no inline
   script: the page's CSP allows only files from this site). The tables beside each chart hold
   the same numbers. */
(function () {
  "use strict";
  var island = document.getElementById("dashboard-data");
  if (!island || typeof echarts === "undefined") { return; }
  var data = JSON.parse(island.textContent);
  var en = document.documentElement.lang === "en";
  var t = function (zh, english) { return en ? english : zh; };
  var base = { animation: false, tooltip: { renderMode: "richText" }, grid: { left: 48, right: 16, top: 36, bottom: 40 } };
  function merge(extra) { var o = {}; var k; for (k in base) { o[k] = base[k]; } for (k in extra) { o[k] = extra[k]; } return o; }
  function shown(p) { return p.name + ": " + (p.value === null || p.value === undefined ? "<5" : p.value); }
  function draw(name, option) {
    var el = document.querySelector('[data-chart="' + name + '"]');
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(merge(option));
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var tr = data.trend;
  draw("trend", {
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    xAxis: { type: "category", data: tr.months },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: t("响应率", "Response"), type: "line", data: tr.series.response, connectNulls: false },
      { name: t("解决率", "Resolution"), type: "line", data: tr.series.resolution },
      { name: t("满意率", "Satisfaction"), type: "line", data: tr.series.satisfaction },
      { name: t("按时办结率", "On time"), type: "line", data: tr.series.on_time }
    ]
  });
  draw("funnel", {
    series: [{ type: "funnel", sort: "none", left: "5%", width: "65%", label: { formatter: shown },
      data: data.funnel.labels.map(function (l, i) { return { name: l, value: data.funnel.values[i] }; }) }]
  });
  function bars(name, d) {
    draw(name, {
      xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 4 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [{ name: t("受理", "Received"), type: "bar", data: d.values }]
    });
  }
  bars("category", data.category);
  bars("channel", data.channel);
  draw("sanshi", {
    series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: shown },
      data: data.sanshi.labels.map(function (l, i) { return { name: l, value: data.sanshi.values[i] }; }) }]
  });
  var ch = data.children;
  draw("children", {
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 80 },
    xAxis: { type: "category", data: ch.labels, axisLabel: { interval: 0, rotate: ch.labels.length > 5 ? 30 : 0 } },
    yAxis: [{ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }, { type: "value", name: t("超期", "Overdue") }],
    series: [
      { name: t("响应率", "Response"), type: "bar", data: ch.response },
      { name: t("满意率", "Satisfaction"), type: "bar", data: ch.satisfaction },
      { name: t("当前超期", "Overdue now"), type: "line", yAxisIndex: 1, data: ch.overdue }
    ]
  });
}());
