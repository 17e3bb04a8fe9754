// The order book at an instant: for instants given by `at=` in the link, the best bid, best ask and spread the
// dashboard shows equal a replay of the API's items by the rule of issue 15, computed here independently.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { allItems, dashboardUrl, fetchChannels, micros, settles, waitForStatus } from './lib/dashboard.mjs';

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
    // The book at the instant, rebuilt from every event (while pages arrive it is rebuilt from fewer).
    await page.waitForFunction(
      ([id, at, events]) => {
        const cell = document.querySelector(`[data-testid="${id}"]`);
        return cell?.dataset.value === String(at) && cell.dataset.events === String(events);
      },
      [`book-at-${channel}`, at, items.length],
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

test('the mid and spread over time equal the replay at the end of each interval', async () => {
  const channel = 'live_orders_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, iv: '5m' }));
  await waitForStatus(page, 'done');
  const testid = `chart-spread-${channel}`;
  const want = Math.floor(to / 300e6) - Math.floor(from / 300e6) + 1;
  // Drawn from every event: the last draw of a load may come after `done` (redraws are throttled), so the series
  // is read again until it checks out, or the deadline fails it.
  const check = async () => {
    const { mid, spread } = await page.evaluate((id) => {
      const option = window.echarts.getInstanceByDom(document.querySelector(`[data-testid="${id}"]`))?.getOption();
      const [mid, spread] = ['Mid', 'Spread'].map((name) => option?.series.find((s) => s.name === name)?.data ?? []);
      return { mid, spread };
    }, testid);
    if (mid.length !== want || spread.length !== want) return `${mid.length} of ${want} intervals`;
    // A point is drawn at its instant's ms: the interval's last µs, or the range's end in the last interval.
    for (const i of [0, Math.floor(mid.length / 2), mid.length - 1]) {
      const at = Math.min(mid[i][0] * 1000 + 999, to);
      const book = bookAt(items, at);
      if (spread[i][1] !== book.spread) return `spread at ${at}: ${spread[i][1]}, want ${book.spread}`;
      if (mid[i][1] !== (book.bid + book.ask) / 2) return `mid at ${at}: ${mid[i][1]}, want ${(book.bid + book.ask) / 2}`;
    }
    return null;
  };
  await settles(check);
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

test('the book follows the pointer over a time chart; a click on the plot pins it into the link, Unpin lets go', async () => {
  const channel = 'live_orders_ethusd';
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to }));
  await waitForStatus(page, 'done');
  const shown = async () => Number(await page.getByTestId(`book-at-${channel}`).getAttribute('data-value'));
  const until = (want) =>
    page.waitForFunction(
      ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value === String(want),
      [`book-at-${channel}`, want],
    );
  await until(to);
  const box = await page.getByTestId(`chart-orders-${channel}`).boundingBox();
  const [x, y] = [box.x + box.width * 0.4, box.y + box.height * 0.5];
  await page.mouse.move(x, y);
  await page.waitForFunction(
    ([id, end]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value !== String(end),
    [`book-at-${channel}`, to],
  );
  const hovered = await shown();
  assert.ok(from < hovered && hovered < to, `the instant under the pointer, ${hovered}, is inside the range`);
  await page.mouse.click(x, y);
  await page.waitForFunction(() => new URL(location.href).searchParams.has('at'));
  const pinned = micros(new URL(page.url()).searchParams.get('at'));
  // Away from the charts, the book stays at the pinned instant.
  await page.mouse.move(1, 1);
  await until(pinned);
  assert.ok(Math.abs(pinned - hovered) < (to - from) / 50, `pinned ${pinned} near the hovered ${hovered}`);
  await page.getByTestId(`book-unpin-${channel}`).click();
  await until(to);
  assert.equal(new URL(page.url()).searchParams.get('at'), null);
  // A click on the zoom slider, under the plot, pins nothing (after hovering the plot on the way there).
  await page.mouse.move(x, y);
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height - 12);
  await page.waitForTimeout(300);
  assert.equal(new URL(page.url()).searchParams.get('at'), null, 'a click off the plot pins nothing');
  assertNoProblems(problems);
  await context.close();
});
