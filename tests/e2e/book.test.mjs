// The order book at an instant: for instants given by `at=` in the link, the best bid, best ask and spread the
// dashboard shows equal a replay of the API's items by the rule of issue 15, computed here independently.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { allItems, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * The rule: the channel's order events in (nmicrotimestamp, id) order up to and including `t`; created and changed
 * put the order (by id) at its price and amount on its side, deleted or an amount of zero remove it.
 */
function bookAt(items, t) {
  const events = items
    .filter((i) => i.nmicrotimestamp <= t)
    .sort((a, b) => a.nmicrotimestamp - b.nmicrotimestamp || a.id - b.id);
  const book = new Map();
  for (const e of events) {
    const amount = Number(e.amount);
    if (e.event === 'order_deleted' || amount === 0) book.delete(e.id);
    else book.set(e.id, { side: e.order_type, price: Number(e.price) });
  }
  const prices = (side) => [...book.values()].filter((o) => o.side === side).map((o) => o.price);
  const bid = Math.max(...prices(0));
  const ask = Math.min(...prices(1));
  return { bid, ask, spread: ask - bid };
}

const valueOf = async (page, testid) => Number(await page.getByTestId(testid).getAttribute('data-value'));

test('the book at three instants of the link equals a replay of the API items', async () => {
  const channel = 'live_orders_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const { context, page, problems } = await newPage(browser);
  // Odd microseconds, between events: the book includes every event at or before the instant.
  for (const share of [0.2, 0.55, 0.9]) {
    const at = Math.round(from + (to - from) * share) + 7;
    await page.goto(dashboardUrl({ ch: [channel], from, to, at }));
    await waitForStatus(page, 'done');
    await page.waitForFunction(
      ([id, at]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value === String(at),
      [`book-at-${channel}`, at],
    );
    const want = bookAt(items, at);
    assert.ok(Number.isFinite(want.bid) && Number.isFinite(want.ask), `a two-sided book at ${at}`);
    assert.equal(await valueOf(page, `book-bid-${channel}`), want.bid, `best bid at ${at}`);
    assert.equal(await valueOf(page, `book-ask-${channel}`), want.ask, `best ask at ${at}`);
    assert.equal(await valueOf(page, `book-spread-${channel}`), want.spread, `spread at ${at}`);
    assert.equal(new URL(page.url()).searchParams.get('at'), new Date(Math.floor(at / 1000)).toISOString().replace('Z', `${String(at % 1000).padStart(3, '0')}Z`));
    const depth = await page.evaluate((id) => {
      const option = window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`)).getOption();
      return option.series.map((s) => s.data.length);
    }, `chart-depth-${channel}`);
    assert.ok(depth.every((n) => n > 0), `the depth chart draws both sides: ${depth}`);
  }
  assert.match(await page.getByTestId(`book-note-${channel}`).textContent(), /events loaded since 2022-03-21 02:45/);
  await screenshot(page, 'book.png');
  assertNoProblems(problems);
  await context.close();
});

test('a bad instant in the link is explained and the book shown at the end of the range', async () => {
  const channel = 'live_orders_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, at: 'soon' }));
  await page.getByTestId('error-message').waitFor();
  assert.match(await page.getByTestId('error-message').textContent(), /`at` "soon" is not a time/);
  await waitForStatus(page, 'done');
  await page.waitForFunction(
    ([id, at]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value === String(at),
    [`book-at-${channel}`, to],
  );
  await context.close();
});
