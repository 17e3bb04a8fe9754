// ECharts drops, without a word, a chart type or component that an option uses and the bundle does not hold
// (web/echarts.mjs names the parts built). Every test page checks each setOption: a part the option uses and the
// chart did not build is a console error, which assertNoProblems fails on.

/** Installed after `installChartHooks` (lib/echarts-hooks.mjs); a no-op on a page without ECharts. */
export function checkEchartsParts() {
  // Every component an option can name at its top level (ECharts 5): plain options (textStyle, animation) are not.
  const COMPONENTS = [
    'grid', 'xAxis', 'yAxis', 'dataZoom', 'tooltip', 'legend', 'visualMap', 'markArea', 'markLine', 'markPoint',
    'title', 'toolbox', 'dataset', 'graphic', 'brush', 'polar', 'radiusAxis', 'angleAxis', 'geo', 'calendar',
    'timeline', 'singleAxis', 'parallel', 'parallelAxis', 'radar', 'axisPointer', 'aria',
  ];
  const MARKERS = ['markArea', 'markLine', 'markPoint'];
  const check = (chart, option) => {
    const model = chart.getModel?.();
    if (!model || !option) return;
    const series = [].concat(option.series ?? []);
    const built = new Set(model.getSeries().map((s) => s.subType));
    const used = COMPONENTS.filter((k) => option[k] != null || (MARKERS.includes(k) && series.some((s) => s[k])));
    const missing = [
      ...used.filter((k) => !model.getComponent(k)),
      ...series.filter((s) => s.type && !built.has(s.type)).map((s) => `series type ${s.type}`),
    ];
    if (missing.length) console.error(`ECharts part not built (web/echarts.mjs): ${[...new Set(missing)].join(', ')}`);
  };
  window.__chartHooks.push((chart) => {
    const setOption = chart.setOption;
    chart.setOption = function (option, ...rest) {
      const result = setOption.call(this, option, ...rest);
      check(this, option);
      return result;
    };
  });
}
