// The dashboard against APIs that answer as the original does: ties (items sharing one nmicrotimestamp) in
// DynamoDB's order instead of by id (`serve --shuffle-ties`), and the whole original (`serve --like-original`:
// the cursor ignored, ties shuffled, no /channels, anything but GET /bitstamp a 403 without CORS headers). Whole-
// window loads of the four channels must give the exact counts, and the trades channels' summary must equal
// statistics computed here from the main server's items in key order, (nmicrotimestamp, id).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, defer, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import {
  CHANNELS,
  allItems,
  assertCounts,
  assertStats,
  dashboardUrl,
  fetchChannels,
  inKeyOrder,
  tradeStats,
  waitForStatus,
} from './lib/dashboard.mjs';
import { startServer } from './lib/server.mjs';

// Shuffled ties cost the extra server a re-sort of each page's runs, and the original's pages are re-read by time.
const DONE_TIMEOUT = 240_000;
const TRADES = CHANNELS.filter((c) => c.includes('trades'));

let browser;
/** The main server's data: `{ channels: Map(name → {count, first, last}), from, to }`. */
let data;
/** Trades channel → the statistics of its items over the whole window, in key order. */
const truth = new Map();
before(async () => {
  browser = await launchBrowser();
  data = await fetchChannels(apiUrl());
  for (const channel of TRADES) {
    truth.set(channel, tradeStats(inKeyOrder(await allItems(channel, data.from, data.to))));
  }
});
after(async () => {
  await browser?.close();
});

async function assertTradeStats(page) {
  for (const [channel, want] of truth) await assertStats(page, channel, want);
}

/** An extra server with test options over the main server's database, stopped after the test. */
async function extraServer(t, name, args) {
  const server = await startServer({ args, log: outPath(`server-${name}.log`) });
  defer(t, () => server.stop());
  return server;
}

/** Loads the four channels over the whole window from `api` with K = `k`; returns the page and its problems. */
async function loadWholeWindow(t, api, k) {
  const opened = await newPage(browser);
  defer(t, () => opened.context.close());
  const started = Date.now();
  await opened.page.goto(dashboardUrl({ ch: CHANNELS, from: data.from, to: data.to, tz: 'utc', k, api }));
  await waitForStatus(opened.page, 'done', { timeout: DONE_TIMEOUT });
  const requests = opened.problems.requests.filter((url) => url.includes('/bitstamp?')).length;
  console.log(`${t.name}: done in ${Date.now() - started} ms, ${requests} requests of /bitstamp`);
  await assertCounts(opened.page, new Map(CHANNELS.map((c) => [c, data.channels.get(c).count])));
  return opened;
}

test('ties in DynamoDB order (--shuffle-ties 7), K = 4: exact counts, summary as in key order', async (t) => {
  const server = await extraServer(t, 'shuffle-ties', ['--shuffle-ties', '7']);
  const { page, problems } = await loadWholeWindow(t, server.api, 4);
  await screenshot(page, 'original-shuffle-ties.png');
  await assertTradeStats(page);
  assertNoProblems(problems);
});

for (const k of [4, 1]) {
  test(`an API like the original (--like-original), K = ${k}: exact counts, summary as in key order, no error`, async (t) => {
    const server = await extraServer(t, `like-original-k${k}`, ['--like-original']);
    const { page, problems } = await loadWholeWindow(t, server.api, k);
    await screenshot(page, `original-like-original-k${k}.png`);
    assert.ok(
      problems.requests.every((url) => !url.startsWith(`${server.api}/channels`)),
      'the original has no /channels: the dashboard must not ask it',
    );
    await assertTradeStats(page);
    assertNoProblems(problems);
  });
}

test('a window that starts and ends inside taker sweeps opens and closes on their first and last trades by id', async (t) => {
  const channel = 'live_trades_btcusd';
  const items = inKeyOrder(await allItems(channel, data.from, data.to));
  // The two largest sweeps: trades sharing one microtimestamp.
  const runs = new Map();
  for (const i of items) runs.set(i.nmicrotimestamp, (runs.get(i.nmicrotimestamp) ?? 0) + 1);
  const [a, b] = [...runs.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 2)
    .map(([ts]) => ts)
    .sort((x, y) => x - y);
  assert.ok(runs.get(a) >= 3 && runs.get(b) >= 3, `sweeps of ${runs.get(a)} and ${runs.get(b)} trades`);
  const server = await extraServer(t, 'like-original-sweeps', ['--like-original']);
  // The API answers the sweep out of id order: a dashboard taking the last item as it came would be wrong.
  const answered = await (await fetch(`${server.api}/bitstamp?channel=${channel}&from=${b}&to=${b}`)).json();
  const ids = answered.body.Items.map((i) => i.id);
  assert.notDeepEqual(ids, [...ids].sort((x, y) => x - y), 'the sweep comes in DynamoDB order');
  assert.ok(new Set(answered.body.Items.map((i) => i.price)).size > 1, 'the sweep walks the book: its prices differ');

  const opened = await newPage(browser);
  defer(t, () => opened.context.close());
  await opened.page.goto(dashboardUrl({ ch: [channel], from: a, to: b, tz: 'utc', k: 4, api: server.api }));
  await waitForStatus(opened.page, 'done', { timeout: DONE_TIMEOUT });
  const window = items.filter((i) => i.nmicrotimestamp >= a && i.nmicrotimestamp <= b);
  await assertCounts(opened.page, new Map([[channel, window.length]]));
  await assertStats(opened.page, channel, tradeStats(window));
  // The newest items table lists the sweep newest first: its largest id on top.
  const top = await opened.page.getByTestId(`newest-${channel}`).locator('tbody tr').first().getAttribute('data-id');
  assert.equal(Number(top), window.at(-1).id, 'the newest item is the sweep\'s last trade');
  assertNoProblems(opened.problems);
});
