// The charts' view in the link and zooming: `iv`, `view` and `zoom` from a link are restored; zooming a chart
// zooms the others, recomputes the data for the visible window (trades as points once few are visible) and goes
// into the link; the compare view overlays the trades channels' percent change.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import {
  allItems,
  buckets,
  chartOption,
  dashboardUrl,
  fetchChannels,
  iso,
  settles,
  waitForCandles,
  waitForStatus,
  zoomOf,
} from './lib/dashboard.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const within = (items, [a, b]) => items.filter((i) => i.nmicrotimestamp >= a && i.nmicrotimestamp <= b);

test('a link with iv, view and zoom restores them, and zooming recomputes the window into the link', async () => {
  const channel = 'live_trades_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const zoom = [from + Math.round((to - from) / 4 / 1e6) * 1e6, 0];
  zoom[1] = zoom[0] + 1_800_000_000;
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, iv: '1m', view: 'line', zoom: `${iso(zoom[0])},${iso(zoom[1])}` }));
  await waitForStatus(page, 'done');
  assert.equal(await page.getByTestId('interval').inputValue(), '1m');
  assert.equal(await page.getByTestId('view').inputValue(), 'line');
  assert.deepEqual(zoomOf(page.url()), zoom, 'the zoom stays in the link');

  const price = `chart-price-${channel}`;
  await waitForCandles(page, price, buckets(within(items, zoom), 60));
  const option = await chartOption(page, price);
  assert.equal(option.series[0].type, 'line');
  const percent = ((zoom[0] - from) / (to - from)) * 100;
  assert.ok(Math.abs(option.dataZoom[0].start - percent) < 1e-6, `start ${option.dataZoom[0].start} ≈ ${percent}`);
  const volume = await chartOption(page, `chart-volume-${channel}`);
  assert.ok(Math.abs(volume.dataZoom[0].start - percent) < 1e-6, 'the volume chart shows the same window');

  // Zoom the price chart as a gesture would: the volume chart follows at once, the link and the data after.
  await page.evaluate((id) => {
    const chart = window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`));
    chart.dispatchAction({ type: 'dataZoom', start: 10, end: 11 });
  }, price);
  await page.waitForFunction((before) => new URL(location.href).searchParams.get('zoom') !== before, zoomOf(page.url()) && new URL(page.url()).searchParams.get('zoom'));
  const zoomed = zoomOf(page.url());
  const expected = from + (to - from) * 0.1;
  assert.ok(Math.abs(zoomed[0] - expected) <= 1000, `zoom starts at ${iso(zoomed[0])}, expected ${iso(expected)}`);
  const visible = within(items, zoomed);
  await waitForCandles(page, price, buckets(visible, 60));
  const after = await chartOption(page, price);
  const named = (name) => after.series.find((s) => s.name === name)?.data.length ?? 0;
  assert.ok(visible.length > 0 && visible.length <= 2000, `${visible.length} trades visible`);
  assert.equal(named('Buys'), visible.filter((t) => t.type === 0).length, 'buys drawn as points');
  assert.equal(named('Sells'), visible.filter((t) => t.type === 1).length, 'sells drawn as points');
  const volumeAfter = await chartOption(page, `chart-volume-${channel}`);
  assert.ok(Math.abs(volumeAfter.dataZoom[0].start - 10) < 0.01, `volume start ${volumeAfter.dataZoom[0].start}`);
  // The tooltip of the second candle (the first may start before the window): its time in UTC, OHLC, VWAP,
  // volumes and trade count.
  const minute = (t) => Math.floor(t.nmicrotimestamp / 60e6) * 60e6;
  const second = [...new Set(visible.map(minute))][1];
  const inSecond = visible.filter((t) => minute(t) === second);
  // The mouse over that candle, as a user would point at it.
  const [x, y] = await page.evaluate((id) => {
    const chart = window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`));
    return chart.convertToPixel({ seriesIndex: 0 }, chart.getOption().series[0].data[1]);
  }, price);
  await page.getByTestId(price).scrollIntoViewIfNeeded();
  const box = await page.getByTestId(price).boundingBox();
  await page.mouse.move(box.x + x, box.y + y);
  await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`).innerText.includes('Trades'), price);
  const tip = await page.getByTestId(price).innerText();
  assert.ok(tip.includes(`${iso(second).slice(0, 19).replace('T', ' ')} UTC (1m)`), tip);
  for (const name of ['Open', 'High', 'Low', 'Close', 'VWAP', 'Buy volume', 'Sell volume']) assert.ok(tip.includes(name), tip);
  assert.equal(Number(tip.match(/Trades\s+([\d,]+)/)?.[1].replaceAll(',', '')), inSecond.length, tip);
  assert.equal(Number(tip.match(/Open\s+([\d.,]+)/)?.[1].replaceAll(',', '')), inSecond[0].price, tip);
  // The summary shows the visible window's statistics, labelled with its span, and the whole load's beside them.
  const trades = (list) => list.filter((t) => t.event === 'trade');
  const stat = async (name) => Number(await page.getByTestId(`stat-${channel}-${name}`).getAttribute('data-value'));
  await page.waitForFunction(
    ([id, n]) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.value) === n,
    [`stat-${channel}-trades`, trades(visible).length],
  );
  assert.equal(await stat('close'), trades(visible).at(-1).price, 'close of the visible window');
  assert.equal(await stat('trades-all'), trades(items).length, 'the whole load beside it');
  assert.match(await page.getByTestId(`stats-window-${channel}`).textContent(), /Visible: \d+ min/);
  await screenshot(page, 'zoomed.png');

  // The link restores the zoomed view.
  await page.goto(page.url());
  await waitForStatus(page, 'done');
  await waitForCandles(page, price, buckets(visible, 60));
  assert.deepEqual(zoomOf(page.url()), zoomed);
  assert.equal(await page.getByTestId('view').inputValue(), 'line');

  // Back to the whole range.
  await page.getByTestId('zoom-reset').click();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('zoom'));
  await waitForCandles(page, price, buckets(items, 60));
  assertNoProblems(problems);
  await context.close();
});

test('the compare view overlays each trades channel as percent change', async () => {
  const channels = ['live_trades_btcusd', 'live_trades_ethusd'];
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [...channels, 'live_orders_ethusd'], from, to }));
  await waitForStatus(page, 'done');
  await page.getByTestId('chart-compare').locator('canvas').first().waitFor();
  const wants = await Promise.all(channels.map(async (channel) => {
    const trades = (await allItems(channel, from, to)).filter((t) => t.event === 'trade');
    return (trades.at(-1).price / trades[0].price - 1) * 100;
  }));
  // Drawn from every trade (the chart's last draw of the load may come after `done`).
  await settles(async () => {
    const option = await chartOption(page, 'chart-compare');
    const names = option.series.map((s) => s.name).join();
    if (names !== 'BTC/USD,ETH/USD') return `series ${names}`;
    for (const [i, channel] of channels.entries()) {
      const last = option.series[i].data.at(-1)?.[1];
      if (!(Math.abs(last - wants[i]) < 1e-9)) return `${channel}: last ${last} %, computed ${wants[i]} %`;
    }
    return null;
  });
  assertNoProblems(problems);
  await context.close();
});

test('bad chart keys in a link are explained and defaults used', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: ['live_trades_btcusd'], view: 'pie', zoom: 'yesterday' }));
  await page.getByTestId('error-message').waitFor();
  const text = await page.getByTestId('error-message').textContent();
  assert.match(text, /`view` "pie"/);
  assert.match(text, /`zoom` "yesterday"/);
  assert.equal(await page.getByTestId('view').inputValue(), 'candles');
  await context.close();
});
