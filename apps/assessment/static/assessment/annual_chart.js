// 年度考核等次分布: grade counts per unit (or per year of one unit) as stacked bars. Data comes
// from the page's json_script; clicking a bar segment opens that unit's sheet filtered to the
// grade (the same links as the table below the chart).
(function () {
  function draw() {
    const el = document.getElementById("grade-chart");
    const source = document.getElementById("grade-chart-data");
    if (!el || !source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    if (!data.categories.length) return;
    const chart = window.echarts.init(el);
    chart.setOption({
      aria: { enabled: true, decal: { show: true } }, // patterns as well as colours
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      xAxis: {
        type: "category",
        data: data.categories,
        axisLabel: { interval: 0, rotate: data.categories.length > 8 ? 30 : 0 },
      },
      yAxis: { type: "value", name: "人数", minInterval: 1 },
      series: data.series.map((s) => ({
        name: s.name, type: "bar", stack: "total", emphasis: { focus: "series" }, data: s.data,
      })),
    });
    chart.on("click", (params) => {
      const row = data.links[params.seriesIndex];
      if (row && row[params.dataIndex]) window.location.href = row[params.dataIndex];
    });
    window.addEventListener("resize", () => chart.resize());
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
