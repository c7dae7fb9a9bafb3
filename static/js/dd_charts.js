// Charts of every page (ECharts from npm, loaded before this file). Every element with
// data-chart="<json_script id>" gets a chart of that script's numbers:
// - data-kind="bar" (default) or "pie": {categories, values, links} — one link per category;
// - data-kind="stacked": {categories, series: [{name, data}], links: [[url per category] per
//   series]} — stacked bars (选派看板, 考核等次分布).
// data-unit names the values (件 / 人 / 天). Clicking a bar, segment or slice opens its list
// (drill-down); the same numbers are always in the table under the chart (ui.md).
(function () {
  function option(kind, data, unit) {
    const common = { aria: { enabled: true, decal: { show: true } } }; // patterns, not colour alone
    if (kind === "stacked") {
      return Object.assign(common, {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
        xAxis: {
          type: "category",
          data: data.categories,
          axisLabel: { interval: 0, rotate: data.categories.length > 8 ? 30 : 0 },
        },
        yAxis: { type: "value", name: unit, minInterval: 1 },
        series: data.series.map((s) => ({
          name: s.name, type: "bar", stack: "total", emphasis: { focus: "series" }, data: s.data,
        })),
      });
    }
    if (kind === "pie") {
      return Object.assign(common, {
        tooltip: { trigger: "item", formatter: "{b}：{c}" + unit + "（{d}%）" },
        legend: { bottom: 0, data: data.categories },
        series: [{
          type: "pie",
          radius: ["35%", "62%"],
          label: { formatter: "{c}" + unit }, // names are in the legend (long ones would be cut)
          data: data.categories
            .map((name, i) => ({ name: name, value: data.values[i] }))
            .filter((d) => d.value > 0), // no empty slices; the table lists the zeros
        }],
      });
    }
    return Object.assign(common, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => (v === null ? "—" : v + unit) },
      grid: { left: 10, right: 10, top: 30, bottom: 10, containLabel: true },
      xAxis: {
        type: "category",
        data: data.categories,
        axisLabel: { interval: 0, rotate: data.categories.length > 5 ? 20 : 0 },
      },
      yAxis: { type: "value", name: unit, minInterval: unit === "天" ? 0 : 1 },
      series: [{ type: "bar", data: data.values, label: { show: true, position: "top" } }],
    });
  }

  function draw(el) {
    const source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    if (!data.categories.length) return;
    const chart = window.echarts.init(el);
    chart.setOption(option(el.dataset.kind || "bar", data, el.dataset.unit || ""));
    chart.on("click", (params) => {
      const url = el.dataset.kind === "stacked"
        ? (data.links[params.seriesIndex] || [])[params.dataIndex]
        : data.links[data.categories.indexOf(params.name)];
      if (url) window.location.href = url;
    });
    window.addEventListener("resize", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
