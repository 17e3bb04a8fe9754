// The heatmap's renderItem: one rectangle per cell, [t0, p0, weight, t1, p1] in data coordinates, filled with the
// visual map's colour. ECharts calls it once per cell on every render; in JS it costs a few µs a cell, where a
// wasm callback paid ten crossings of the boundary (and made rendering the heatmap a long task).
export function renderCell(_params, api) {
  const [x0, y0] = api.coord([api.value(0), api.value(4)]);
  const [x1, y1] = api.coord([api.value(3), api.value(1)]);
  return {
    type: 'rect',
    shape: { x: x0, y: y0, width: Math.max(x1 - x0, 1), height: Math.max(y1 - y0, 1) },
    style: { fill: api.visual('color') },
  };
}
