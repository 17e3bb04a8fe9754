// The volume profile beside a trades channel's prices: the visible window's traded volume by price bucket, buys
// and sells apart, equal to the API's trades bucketed independently here; the point of control and the 70 % value
// area by their definitions; the price chart on the same price axis.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { allItems, chartOption, dashboardUrl, fetchChannels, iso, settles, waitForStatus } from './lib/dashboard.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const close = (a, b) => Math.abs(a - b) <= Math.max(Math.abs(a), Math.abs(b)) * 1e-9;

test('the profile of the zoomed window equals the API trades by bucket, with its point of control and value area', async () => {
  const channel = 'live_trades_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const start = Math.round((from + (to - from) * 0.5) / 1e6) * 1e6;
  const window = [start, start + 1_800e6];
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, zoom: `${iso(window[0])},${iso(window[1])}` }));
  await waitForStatus(page, 'done');
  const summary = page.getByTestId(`profile-summary-${channel}`);
  const trades = items.filter((i) => i.event === 'trade' && window[0] <= i.nmicrotimestamp && i.nmicrotimestamp <= window[1]);
  assert.ok(trades.length > 50, `trades in the window: ${trades.length}`);
  // The summary and the chart, read until they are of every trade (the last draw of a load may come after `done`).
  let low, step, poc, lo, hi, n, want;
  await settles(async () => {
    if ((await summary.getAttribute('data-poc')) == null) return 'no point of control yet';
    [low, step] = [Number(await summary.getAttribute('data-low')), Number(await summary.getAttribute('data-step'))];
    poc = Number(await summary.getAttribute('data-poc'));
    [lo, hi] = (await summary.getAttribute('data-value-area')).split(',').map(Number);
    const option = await chartOption(page, `chart-profile-${channel}`);
    n = option.yAxis[0].data.length;
    want = Array.from({ length: n }, () => [0, 0]);
    for (const t of trades) {
      const price = Number(t.price);
      if (!(low <= price && price < low + n * step)) return `${price} outside the profile's ${low} + ${n} × ${step}`;
      want[Math.min(Math.floor((price - low) / step), n - 1)][t.type] += Number(t.amount);
    }
    const shown = ['Buys', 'Sells'].map((name) => option.series.find((s) => s.name === name).data.map((d) => d.value));
    for (let i = 0; i < n; i++) {
      if (!(close(shown[0][i], want[i][0]) && close(shown[1][i], want[i][1]))) return `bucket ${i}: ${shown[0][i]}/${shown[1][i]} vs ${want[i]}`;
    }
    return null;
  });
  const totals = want.map(([b, s]) => b + s);
  const all = totals.reduce((a, b) => a + b, 0);
  assert.ok(totals.every((v) => v <= totals[poc] * (1 + 1e-12)), 'the point of control traded most');
  assert.ok(lo <= poc && poc <= hi);
  const held = totals.slice(lo, hi + 1).reduce((a, b) => a + b, 0);
  assert.ok(held >= all * 0.7 * (1 - 1e-12), `the value area holds ${held / all} of the volume`);
  assert.ok(lo === hi || held - Math.max(totals[lo], totals[hi]) < all * 0.7, 'and no more than it takes');
  // The price chart shares the price axis.
  const price = await chartOption(page, `chart-price-${channel}`);
  assert.ok(close(price.yAxis[0].min, low) && close(price.yAxis[0].max, low + n * step), `price axis ${price.yAxis[0].min}..${price.yAxis[0].max}`);
  assert.match(await summary.textContent(), /most traded at [\d,.]+ – [\d,.]+ .*70 % of the volume between/);
  await page.getByTestId(`chart-profile-${channel}`).scrollIntoViewIfNeeded();
  await screenshot(page, 'profile.png');
  assertNoProblems(problems);
  await context.close();
});
