// Charts: after a load every chart container holds a drawn canvas, and the summary cells match statistics this
// test computes itself from the API's items.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import {
  CHANNELS,
  allItems,
  assertStats,
  buckets,
  chartOption,
  dashboardUrl,
  fetchChannels,
  inKeyOrder,
  tradeStats,
  waitForCandles,
  waitForData,
  waitForStatus,
} from './lib/dashboard.mjs';
import { startServer } from './lib/server.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The order statistics the dashboard shows, computed plainly. */
function orderStats(items) {
  const count = (pred) => items.filter(pred).length;
  const added = (side) =>
    items.filter((i) => i.event === 'order_created' && i.order_type === side).reduce((s, i) => s + Number(i.amount), 0);
  return {
    created: count((i) => i.event === 'order_created'),
    changed: count((i) => i.event === 'order_changed'),
    deleted: count((i) => i.event === 'order_deleted'),
    bid_events: count((i) => i.order_type === 0),
    ask_events: count((i) => i.order_type === 1),
    added_buy: added(0),
    added_sell: added(1),
  };
}

test('every chart is drawn and the summary matches the API items', async () => {
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: CHANNELS, from, to, k: 4 }));
  await waitForStatus(page, 'done');

  const charts = CHANNELS.flatMap((channel) =>
    (channel.includes('trades') ? ['price', 'volume'] : ['orders', 'spread', 'flow']).map((kind) => `chart-${kind}-${channel}`),
  );
  for (const testid of [...charts, 'chart-compare']) {
    const canvas = page.getByTestId(testid).locator('canvas');
    await canvas.first().waitFor({ timeout: 10_000 });
    const size = await canvas.first().evaluate((c) => [c.width, c.height]);
    assert.ok(size[0] > 100 && size[1] > 100, `${testid} canvas ${size}`);
    // Every chart is a time chart: the heatmap too, on a time axis in the chosen zone, zooming with the others.
    const option = await chartOption(page, testid);
    assert.equal(option.xAxis[0].type, 'time', `${testid} x axis`);
    assert.equal(option.useUTC, true, `${testid} in UTC`);
    assert.ok(option.dataZoom.length > 0, `${testid} zooms`);
    // Its text alternative.
    const text = await page.getByTestId(testid).getAttribute('aria-label');
    assert.ok(text?.length > 40, `${testid} says what it shows: ${text}`);
  }
  for (const channel of ['live_trades_btcusd', 'live_orders_btcusd']) {
    const [chart, stat, kind] = channel.includes('trades') ? ['price', 'open', 'opened at'] : ['flow', 'created', 'orders created'];
    const shown = (await page.getByTestId(`stat-${channel}-${stat}`).textContent()).trim();
    const text = await page.getByTestId(`chart-${chart}-${channel}`).getAttribute('aria-label');
    assert.ok(text.includes(kind) && text.includes(shown.split(' ')[0]), `chart-${chart}-${channel}: "${text}" says ${stat} ${shown}`);
  }
  const heatmap = await chartOption(page, 'chart-orders-live_orders_btcusd');
  assert.equal(heatmap.yAxis[0].type, 'value', 'the heatmap prices on a value axis, ticks at round prices');
  assert.ok(heatmap.series.every((s) => s.type === 'custom' && s.data.length > 0), 'bids and asks drawn as cells');

  for (const channel of CHANNELS) {
    const items = inKeyOrder(await allItems(channel, from, to));
    await assertStats(page, channel, channel.includes('trades') ? tradeStats(items) : orderStats(items));
  }
  await screenshot(page, 'charts.png');
  assertNoProblems(problems);
  await context.close();
});

test('the interval comes from the link, changes the candles, and goes back into the link', async () => {
  const channel = 'live_trades_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, iv: '5m' }));
  await waitForStatus(page, 'done');
  assert.equal(await page.getByTestId('interval').inputValue(), '5m');
  const testid = `chart-price-${channel}`;
  await waitForCandles(page, testid, buckets(items, 300));

  await page.getByTestId('interval').selectOption('1m');
  await waitForCandles(page, testid, buckets(items, 60));
  assert.equal(new URL(page.url()).searchParams.get('iv'), '1m');
  assertNoProblems(problems);
  await context.close();
});

test('a bad interval in the link is explained and auto is used', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: ['live_trades_btcusd'], iv: 'fortnight' }));
  await page.getByTestId('error-message').waitFor();
  assert.match(await page.getByTestId('error-message').textContent(), /fortnight/);
  assert.equal(await page.getByTestId('interval').inputValue(), 'auto');
  await context.close();
});

test('without the chart library each chart says so, and the rest of the dashboard works', async () => {
  const channel = 'live_trades_ethusd';
  const { context, page, problems } = await newPage(browser);
  await page.route(/\/echarts-[0-9a-f]+\.js$/, (route) => route.abort());
  const { from, to } = await fetchChannels(apiUrl());
  await page.goto(dashboardUrl({ ch: [channel], from, to }));
  await waitForStatus(page, 'done');
  const price = page.getByTestId(`chart-price-${channel}`);
  await price.getByText(/cannot be drawn/).waitFor();
  // Drawn again (another interval): still the message, and no panic.
  await page.getByTestId('interval').selectOption('1m');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('iv') === '1m');
  assert.match(await price.textContent(), /cannot be drawn/);
  assert.match(await page.getByTestId(`chart-volume-${channel}`).textContent(), /cannot be drawn/);
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.consoleErrors.filter((e) => /panicked/.test(e)), [], 'panics');
  assert.ok(problems.consoleErrors.some((e) => /ECharts is not available/.test(e)), 'the reason is in the console');
  await screenshot(page, 'charts-without-echarts.png');
  await context.close();
});

test('charts fill in while pages arrive; a panel out of sight draws once scrolled into view', async (t) => {
  const server = await startServer({ args: ['--latency-ms', '300'], log: outPath('server-charts-latency.log') });
  t.after(() => server.stop());
  const data = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: CHANNELS, from: data.from, to: data.to, k: 4, api: server.api }));
  const loading = async () => assert.equal((await page.getByTestId('status').textContent()).trim(), 'loading');
  const heatmap = 'chart-orders-live_orders_ethusd';
  const drawn = (id) =>
    page.evaluate((id) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      return window.echarts.getInstanceByDom(el).getOption().series[0].data.length;
    }, id);
  // The price chart at the top draws from the first pages on.
  await waitForData(page, 'chart-price-live_trades_btcusd');
  await loading();
  await page.getByTestId(heatmap).scrollIntoViewIfNeeded();
  await waitForData(page, heatmap);
  await loading();
  const early = await drawn(heatmap);
  await waitForStatus(page, 'done', { timeout: 300_000 });
  // And again with more data, once the load is done.
  await page.waitForFunction(
    ([id, n]) => window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`)).getOption().series[0].data.length > n,
    [heatmap, early],
  );
  assertNoProblems(problems);
  await context.close();
});
