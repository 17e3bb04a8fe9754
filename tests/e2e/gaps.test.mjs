// The collector's gaps on the dashboard: `serve --collect` records the exchange simulator, which drops the
// connection every few seconds (`--drop-every`); every time chart shades the gaps /prod/gaps lists, with a tooltip,
// and the summary counts them. An API without /gaps (the original) is never asked for them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiUrl, assertNoProblems, defer, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import { CHANNELS, chartOption, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';
import { startCollecting } from './lib/collector.mjs';
import { startServer } from './lib/server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const DROP_EVERY_S = 4;

/** `GET {api}/gaps` of `channel` over [from, to]: its `gaps` list. */
async function fetchGaps(api, channel, from, to) {
  const response = await fetch(`${api}/gaps?channel=${channel}&from=${from}&to=${to}`);
  assert.equal(response.status, 200, `GET /gaps of ${channel}`);
  return (await response.json()).gaps;
}

/** Gaps clipped to [from, to] and merged where they overlap or touch: the intervals without data, µs. */
function intervals(gaps, from, to) {
  const clipped = gaps
    .map((g) => [Math.max(g.from, from), Math.min(g.to, to)])
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const merged = [];
  for (const [a, b] of clipped) {
    const last = merged.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

const micros = (list) => list.reduce((sum, [a, b]) => sum + (b - a), 0);
const ms = ([a, b]) => [Math.trunc(a / 1000), Math.trunc(b / 1000)];

/** The intervals (ms) the chart in `testid` shades: its "Gaps" series' mark areas, once drawn. */
async function shadedIn(page, testid) {
  await page.waitForFunction((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return window.echarts.getInstanceByDom(el)?.getOption().series.some((s) => s.name === 'Gaps');
  }, testid);
  const option = await chartOption(page, testid);
  const gaps = option.series.filter((s) => s.name === 'Gaps');
  assert.equal(gaps.length, 1, `${testid}: one Gaps series`);
  assert.deepEqual(gaps[0].data, [], `${testid}: the Gaps series has no data of its own`);
  return gaps[0].markArea.data.map(([start, end]) => [start.xAxis, end.xAxis]);
}

test('gaps made by --drop-every are shaded on every time chart and counted in the summary', async (t) => {
  // Speed 1: the items' times are the simulator's wall-clock time, as the gaps' are (the collector's arrival
  // times), so each band lies over the hole in the data it explains.
  const { simulator, server } = await startCollecting(t, {
    simArgs: ['--speed', '1', '--seed', '5', '--drop-every', String(DROP_EVERY_S)],
    log: 'server-gaps.log',
  });

  // Two drops, so that each channel has closed gaps with data on both sides; then the simulator stops.
  const closed = async () =>
    (await fetchGaps(server.api, 'live_trades_btcusd', 0, Number.MAX_SAFE_INTEGER)).filter((g) => !g.open).length;
  const deadline = Date.now() + 60_000;
  while ((await closed()) < 2) {
    assert.ok(Date.now() < deadline, 'two closed gaps within a minute');
    await sleep(500);
  }
  await sleep(1_500);
  await simulator.stop();
  await sleep(1_000);

  // The collected channels' data (not the item imported above).
  const { channels } = await fetchChannels(server.api);
  const collected = CHANNELS.map((c) => channels.get(c)).filter((c) => c?.first != null);
  const from = Math.min(...collected.map((c) => c.first));
  const to = Math.max(...collected.map((c) => c.last));
  const want = new Map();
  for (const channel of CHANNELS) want.set(channel, await fetchGaps(server.api, channel, from, to));
  for (const [channel, gaps] of want) {
    assert.ok(gaps.filter((g) => !g.open && g.from >= from && g.to <= to).length >= 2, `${channel}: ${JSON.stringify(gaps)}`);
  }

  const browser = await launchBrowser();
  defer(t, () => browser.close());
  const { page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: CHANNELS, from, to, tz: 'utc', api: server.api }, server.url));
  await waitForStatus(page, 'done');

  // The summary: per channel and in all, exactly what /prod/gaps says of the range.
  await page.getByTestId('gaps-summary').waitFor();
  const all = [];
  for (const [channel, gaps] of want) {
    const expected = intervals(gaps, from, to);
    all.push(...expected);
    const cell = page.getByTestId(`gaps-${channel}`);
    assert.equal(Number(await cell.getAttribute('data-value')), expected.length, `gaps-${channel} count`);
    assert.equal(Number(await cell.getAttribute('data-us')), micros(expected), `gaps-${channel} µs`);
    assert.match(await cell.textContent(), new RegExp(`^${expected.length} gaps, [\\d,.]+ (ms|s) without data$`));
  }
  const union = intervals(all.map(([a, b]) => ({ from: a, to: b })), from, to);
  const summary = page.getByTestId('gaps-summary');
  assert.equal(Number(await summary.getAttribute('data-value')), union.length, 'gaps-summary count');
  assert.equal(Number(await summary.getAttribute('data-us')), micros(union), 'gaps-summary µs');

  // Every time chart shades its channel's gaps, the compare chart every channel's.
  for (const [channel, gaps] of want) {
    const charts = channel.includes('trades') ? ['price', 'volume'] : ['orders', 'spread', 'flow'];
    for (const chart of charts) {
      const testid = `chart-${chart}-${channel}`;
      assert.deepEqual(await shadedIn(page, testid), intervals(gaps, from, to).map(ms), testid);
    }
  }
  assert.deepEqual(await shadedIn(page, 'chart-compare'), union.map(ms), 'chart-compare');

  // The tooltip of the BTC price chart's widest band (some last a few ms): its interval in UTC and its reason.
  const price = 'chart-price-live_trades_btcusd';
  const band = intervals(want.get('live_trades_btcusd'), from, to).reduce((a, b) => (b[1] - b[0] > a[1] - a[0] ? b : a));
  const { reason } = want.get('live_trades_btcusd').find((g) => g.from === band[0]);
  await page.getByTestId(price).scrollIntoViewIfNeeded();
  const x = await page.evaluate(
    ([id, at]) => window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`)).convertToPixel({ xAxisIndex: 0 }, at),
    [price, (band[0] + band[1]) / 2000],
  );
  const box = await page.getByTestId(price).boundingBox();
  await page.mouse.move(box.x + x, box.y + box.height / 2);
  await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`).innerText.includes('No data'), price);
  const tip = await page.getByTestId(price).innerText();
  const utc = (us) => new Date(us / 1000).toISOString().slice(0, 19).replace('T', ' ');
  assert.ok(tip.includes(`No data ${utc(band[0])}`), tip);
  assert.ok(tip.includes(reason), tip);
  await page.getByTestId(price).screenshot({ path: outPath('gaps-price.png') });
  await screenshot(page, 'gaps.png');

  // The bands in the dark theme, to look at.
  const dark = await newPage(browser, { colorScheme: 'dark' });
  await dark.page.goto(page.url());
  await waitForStatus(dark.page, 'done');
  await shadedIn(dark.page, price);
  await shadedIn(dark.page, 'chart-compare');
  await screenshot(dark.page, 'gaps-dark.png');
  assertNoProblems(dark.problems);

  // One routes probe for the API base, shared by /channels and /gaps.
  const probes = problems.requests.filter((url) => url.includes('/bitstamp?channel=live_trades_btcusd&from=0&to=0'));
  assert.equal(probes.length, 1, `probes: ${probes}`);
  assertNoProblems(problems);
});

test('an API without /gaps (--like-original) is never asked for gaps', async (t) => {
  const server = await startServer({ args: ['--like-original'], log: outPath('server-gaps-like-original.log') });
  defer(t, () => server.stop());
  const { from } = await fetchChannels(apiUrl());
  const browser = await launchBrowser();
  defer(t, () => browser.close());
  const { page, problems } = await newPage(browser);
  const channel = 'live_trades_btcusd';
  await page.goto(dashboardUrl({ ch: [channel], from, to: from + 15 * 60e6, api: server.api }, server.url));
  await waitForStatus(page, 'done');
  await page.getByTestId(`chart-price-${channel}`).locator('canvas').first().waitFor();
  // Gaps would be asked right after the load: give them time to be (not) asked.
  await sleep(1_000);
  assert.deepEqual(problems.requests.filter((url) => url.includes('/gaps')), [], 'no request of /gaps');
  assert.equal(await page.getByTestId('gaps-summary').count(), 0, 'no gaps in the summary');
  assert.equal(await page.getByTestId(`gaps-${channel}`).count(), 0, 'no gaps in the channel row');
  const option = await chartOption(page, `chart-price-${channel}`);
  assert.ok(!option.series.some((s) => s.name === 'Gaps'), 'nothing shaded');
  assertNoProblems(problems);
});
