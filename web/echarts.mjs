// The parts of ECharts the dashboard draws with, and nothing else: scripts/build-dashboard.sh bundles this file
// with esbuild into one classic script that sets the global `echarts` src/charts/echarts.rs binds to.
// A chart type or component used by an option but missing here is dropped silently by ECharts: the end-to-end
// harness (tests/e2e/lib/browser.mjs) fails any page whose options use a part that was not built.
import { use } from 'echarts/core';
import { BarChart, CandlestickChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
// The narrowest of each: the inside and slider zooms, a grid without its own axis pointer (the tooltip brings it),
// a legend without scrolling, a continuous visual map.
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridSimpleComponent,
  LegendPlainComponent,
  MarkAreaComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([
  BarChart,
  CandlestickChart,
  CustomChart,
  LineChart,
  ScatterChart,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridSimpleComponent,
  LegendPlainComponent,
  MarkAreaComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
]);

export * from 'echarts/core';
