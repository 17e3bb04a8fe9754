// Measuring on a price chart: a Shift-drag (or a plain drag with the Measure toggle on) between two instants shows,
// for every trades channel, Δprice, Δ%, Δt, and the volume and trade count between them: here they equal what the
// API's trades say, computed independently. The drag neither pans the charts nor pins the book; the link keeps the
// measurement; Escape and Clear clear it; a bad one in the link is explained.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import { allItems, chartOption, dashboardUrl, fetchChannels, inKeyOrder, iso, micros, waitForData, waitForStatus } from './lib/dashboard.mjs';

const TRADES = ['live_trades_btcusd', 'live_trades_ethusd'];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The measurement by its rule, from `items`: from the last trade at or before `a` (else the first after it) to
 * the last at or before `b`, and the trades after `a` up to `b`. */
function measureOf(items, a, b) {
  const trades = inKeyOrder(items).filter((i) => i.event === 'trade');
  const end = trades.findLast((t) => t.nmicrotimestamp <= b);
  const start = trades.findLast((t) => t.nmicrotimestamp <= a) ?? trades.find((t) => t.nmicrotimestamp > a);
  const between = trades.filter((t) => a < t.nmicrotimestamp && t.nmicrotimestamp <= b);
  const change = Number(end.price) - Number(start.price);
  return {
    change,
    percent: (change / Number(start.price)) * 100,
    duration: b - a,
    volume: between.reduce((sum, t) => sum + Number(t.amount), 0),
    trades: between.length,
  };
}

/** The link's measurement in µs, or null. */
function measureOfLink(url) {
  const value = new URL(url).searchParams.get('measure');
  return value ? value.split(',').map(micros) : null;
}

/** Fails unless `channel`'s read-out shows `want` (exact values in `data-value`; sums within 1e-9 relative). */
async function assertShown(page, channel, want) {
  const value = async (what) => Number(await page.getByTestId(`measure-${what}-${channel}`).getAttribute('data-value'));
  assert.equal(await value('change'), want.change, `${channel}: Δprice`);
  assert.ok(Math.abs((await value('percent')) - want.percent) <= 1e-9 * Math.abs(want.percent), `${channel}: Δ%`);
  assert.equal(await value('duration'), want.duration, `${channel}: Δt`);
  assert.equal(await value('trades'), want.trades, `${channel}: trades between`);
  assert.ok(Math.abs((await value('volume')) - want.volume) <= 1e-9 * want.volume, `${channel}: volume between`);
  assert.ok(want.trades > 0, 'the span holds trades');
}

/** Drags across the plot of the chart `testid` from `a` to `b` (shares of its width), holding Shift if asked;
 * `during()` runs before the button is let go. */
async function drag(page, testid, a, b, { shift = false, during = async () => {} } = {}) {
  await page.getByTestId(testid).scrollIntoViewIfNeeded();
  const box = await page.getByTestId(testid).boundingBox();
  const y = box.y + box.height * 0.45;
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * a, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((a + b) / 2), y, { steps: 4 });
  await page.mouse.move(box.x + box.width * b, y, { steps: 4 });
  await during();
  await page.mouse.up();
  if (shift) await page.keyboard.up('Shift');
}

/** Resolves once the link's measurement differs from `before` (a JSON string or null). */
const measureChanges = (page, before) =>
  page.waitForFunction((b) => new URL(location.href).searchParams.get('measure') !== b, before);

test('a Shift-drag on a price chart measures every trades channel between two instants, as the API trades say', async () => {
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser, { viewport: { width: 1280, height: 1800 } });
  await page.goto(dashboardUrl({ ch: TRADES, from, to, iv: '1m' }));
  await waitForStatus(page, 'done');
  const price = `chart-price-${TRADES[0]}`;
  await waitForData(page, price);
  // While the drag lasts, the read-outs follow it; the link gets it when it ends.
  const during = async () => {
    for (const channel of TRADES) {
      await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.dragging === 'true', `measure-${channel}`);
    }
    assert.equal(measureOfLink(page.url()), null, 'not in the link while dragging');
  };
  await drag(page, price, 0.3, 0.6, { shift: true, during });
  await measureChanges(page, null);
  const [a, b] = measureOfLink(page.url());
  // The plot spans 8 % to 92 % of the box: the instants are where the drag began and ended.
  const timeAt = (share) => from + ((share - 0.08) / 0.84) * (to - from);
  for (const [got, share] of [[a, 0.3], [b, 0.6]]) {
    assert.ok(Math.abs(got - timeAt(share)) < (to - from) * 0.01, `${iso(got)} near ${iso(timeAt(share))}`);
  }
  assert.equal(new URL(page.url()).searchParams.get('at'), null, 'the drag did not pin the book');
  for (const channel of TRADES) {
    await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.dragging === 'false', `measure-${channel}`);
    await assertShown(page, channel, measureOf(await allItems(channel, from, to), a, b));
    assert.match(await page.getByTestId(`measure-${channel}`).textContent(), /^× Measured \d\d:\d\d:\d\d\.\d{3} → \d\d:\d\d:\d\d\.\d{3} \(UTC\): [+-][\d,.]+ USD \([+-][\d.]+ %\) in \d+ (h|min)/);
  }
  // The span is shaded on the price and volume charts.
  for (const testid of [price, `chart-volume-${TRADES[1]}`]) {
    const series = (await chartOption(page, testid)).series.find((s) => s.name === 'Measured');
    assert.deepEqual(series?.markArea.data.map(([start, end]) => [start.xAxis, end.xAxis]), [[Math.floor(a / 1000), Math.floor(b / 1000)]], testid);
  }
  await page.locator('.channel-panel').first().screenshot({ path: outPath('measure-panel.png') });
  await screenshot(page, 'measure-page.png');
  assertNoProblems(problems);
  await context.close();
});

test('the Measure toggle makes a plain drag measure; the link restores it; Escape and Clear clear it', async () => {
  const channel = TRADES[1];
  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const span = [Math.round(from + (to - from) * 0.4) + 3, Math.round(from + (to - from) * 0.45)];
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, measure: span.join(',') }));
  await waitForStatus(page, 'done');
  await page.getByTestId(`measure-${channel}`).waitFor();
  await assertShown(page, channel, measureOf(items, ...span));
  assert.deepEqual(measureOfLink(page.url()), span, 'the link keeps it, to the µs');

  const price = `chart-price-${channel}`;
  await waitForData(page, price);
  const toggle = page.getByTestId('measure-toggle');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  // Zoomed in (around the middle), so that a drag that panned would move the window.
  await page.keyboard.press('+');
  await page.waitForFunction(() => new URL(location.href).searchParams.has('zoom'));
  const zoomed = new URL(page.url()).searchParams.get('zoom');
  const before = new URL(page.url()).searchParams.get('measure');
  await drag(page, price, 0.2, 0.7);
  await measureChanges(page, before);
  const [a, b] = measureOfLink(page.url());
  assert.ok(a < b && a < span[0], `a new span: ${iso(a)} to ${iso(b)}`);
  await page.waitForTimeout(300);
  assert.equal(new URL(page.url()).searchParams.get('zoom'), zoomed, 'measuring, the drag does not pan');
  await page.waitForFunction(([id, a]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.from === String(a), [`measure-${channel}`, a]);
  await assertShown(page, channel, measureOf(items, a, b));

  // A click that does not drag pins the book's instant, as without measuring.
  assert.equal(new URL(page.url()).searchParams.get('at'), null);
  await drag(page, price, 0.5, 0.5);
  await page.waitForFunction(() => new URL(location.href).searchParams.has('at'));

  // Escape clears it.
  await page.keyboard.press('Escape');
  await page.getByTestId(`measure-${channel}`).waitFor({ state: 'detached' });
  assert.equal(measureOfLink(page.url()), null);
  // Toggled off, a plain drag pans again; a Shift-drag still measures, and Clear clears it.
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await drag(page, price, 0.5, 0.3);
  await page.waitForFunction((z) => new URL(location.href).searchParams.get('zoom') !== z, zoomed);
  assert.equal(measureOfLink(page.url()), null, 'a plain drag does not measure');
  await drag(page, price, 0.3, 0.5, { shift: true });
  await measureChanges(page, null);
  await page.getByTestId(`measure-clear-${channel}`).click();
  await page.getByTestId(`measure-${channel}`).waitFor({ state: 'detached' });
  assert.equal(measureOfLink(page.url()), null);
  assertNoProblems(problems);
  await context.close();
});

test('a bad measurement in the link is explained, and nothing is measured', async () => {
  const channel = TRADES[0];
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, measure: `${to},${to + 10e6}` }));
  await page.getByTestId('error-message').waitFor();
  assert.match(await page.getByTestId('error-message').textContent(), /`measure` \(.*\) is not inside the range; measuring nothing/);
  await waitForStatus(page, 'done');
  assert.equal(await page.getByTestId(`measure-${channel}`).count(), 0);
  await context.close();
});
