// Every chart a page makes, handed to hooks as ECharts makes it: installed before the page's scripts
// (`addInitScript(installChartHooks)`), then other init scripts push `(chart) => ...` onto `window.__chartHooks`.

/** Wraps `echarts.init` for whatever assigns the global: the dashboard's bundle assigns it whole, the peer's full
 * UMD build assigns `{}` and fills it in afterwards, so `init` is looked up on each read. */
export function installChartHooks() {
  window.__chartHooks = [];
  let real;
  Object.defineProperty(window, 'echarts', {
    configurable: true,
    get: () => real,
    set: (value) => {
      real = new Proxy(value, {
        get(target, key) {
          const member = target[key];
          if (key !== 'init' || typeof member !== 'function') return member;
          return (...args) => {
            const chart = member.apply(target, args);
            for (const hook of window.__chartHooks) hook(chart);
            return chart;
          };
        },
      });
    },
  });
}
