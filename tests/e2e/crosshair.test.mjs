// One crosshair and the keyboard: hovering a time chart shows the same instant on every other, each with its own
// value there, for reading; ← → pan and + − zoom the visible window, into the link, but not while typing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { dashboardUrl, fetchChannels, settles, waitForStatus, zoomOf } from './lib/dashboard.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The text of the tooltip shown in the chart with `data-testid=testid`, or null. */
const tooltipOf = (page, testid) =>
  page.evaluate((id) => {
    const tip = [...document.querySelector(`[data-testid="${id}"]`).querySelectorAll('div')].find(
      (d) => d.style.position === 'absolute' && d.style.display !== 'none' && d.style.opacity !== '0' && d.textContent.trim(),
    );
    return tip?.textContent ?? null;
  }, testid);

/** µs of the `YYYY-MM-DD hh:mm:ss` a tooltip starts with (UTC). */
const timeIn = (text) => Date.parse(`${text.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/)[0].replace(' ', 'T')}Z`) * 1000;

test('hovering one time chart shows the same instant on the others, each with its value there', async () => {
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser, { viewport: { width: 1280, height: 2600 } });
  await page.goto(dashboardUrl({ ch: ['live_trades_btcusd', 'live_orders_ethusd'], from, to, iv: '1m' }));
  await waitForStatus(page, 'done');
  const price = 'chart-price-live_trades_btcusd';
  await page.waitForFunction((id) => window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`))?.getOption().series.length > 0, price);
  const box = await page.getByTestId(price).boundingBox();
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
  const others = ['chart-volume-live_trades_btcusd', 'chart-spread-live_orders_ethusd', 'chart-flow-live_orders_ethusd', 'chart-compare'];
  await page.waitForFunction(
    (ids) => ids.every((id) => [...document.querySelector(`[data-testid="${id}"]`).querySelectorAll('div')].some((d) => d.style.position === 'absolute' && d.style.display !== 'none' && d.textContent.trim())),
    [price, ...others],
  );
  const at = timeIn(await tooltipOf(page, price));
  for (const testid of others) {
    const text = await tooltipOf(page, testid);
    // The same minute (the spread's points are at each minute's end).
    assert.ok(Math.abs(timeIn(text) - at) <= 60e6, `${testid} at ${text.slice(0, 19)}, the price chart at ${new Date(at / 1000).toISOString()}`);
    assert.match(text, /\d/, `${testid} shows its value`);
    assert.doesNotMatch(text, /\d\.\d{7,}/, `${testid}'s values are for reading: ${text}`);
  }
  // The book follows the same instant (to within the minute under the pointer), once it redraws (a draw of the
  // load's end may still be due).
  await settles(async () => {
    const book = Number(await page.getByTestId('book-at-live_orders_ethusd').getAttribute('data-value'));
    return Math.abs(book - at) <= 60e6 ? null : `the book at ${book}, the pointer at ${at}`;
  }, 5_000);
  await screenshot(page, 'crosshair.png');
  assertNoProblems(problems);
  await context.close();
});

test('+ and − zoom the time charts, ← and → pan them, into the link; keys typed into a field do not', async () => {
  const channel = 'live_trades_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to }));
  await waitForStatus(page, 'done');
  const changed = (before) => page.waitForFunction((b) => new URL(location.href).searchParams.get('zoom') !== b, before);
  await page.mouse.move(1, 1);
  await page.keyboard.press('+');
  await changed(null);
  const [a, b] = zoomOf(page.url());
  const span = to - from;
  assert.ok(Math.abs(b - a - span * 0.75) <= 2, `+ zooms in to three quarters: ${(b - a) / span}`);
  assert.ok(Math.abs((a + b) / 2 - (from + to) / 2) <= 2, 'around the middle');
  const before = new URL(page.url()).searchParams.get('zoom');
  await page.keyboard.press('ArrowLeft');
  await changed(before);
  const [c, d] = zoomOf(page.url());
  assert.equal(d - c, b - a, 'panning keeps the width');
  assert.equal(c, Math.max(from, a - Math.round((b - a) * 0.1)), 'a tenth back in time, stopped at the start');
  // The charts follow: the price chart's window is the link's.
  await page.waitForFunction(
    ([id, percent]) => {
      const option = window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`))?.getOption();
      return option && Math.abs(option.dataZoom[0].start - percent) <= 0.01;
    },
    [`chart-price-${channel}`, ((c - from) / span) * 100],
  );
  // Typed into a field, a key is the field's.
  const zoomNow = new URL(page.url()).searchParams.get('zoom');
  await page.getByTestId(`tape-min-${channel}`).focus();
  await page.keyboard.press('-');
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(300);
  assert.equal(new URL(page.url()).searchParams.get('zoom'), zoomNow);
  // − zooms back out to the whole range: no zoom in the link.
  await page.mouse.click(1, 1);
  await page.keyboard.press('-');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('zoom'));
  assertNoProblems(problems);
  await context.close();
});
