// The dashboard against APIs that answer as the original does: ties (items sharing one nmicrotimestamp) in
// DynamoDB's order instead of by id (`serve --shuffle-ties`), and the whole original (`serve --like-original`:
// the cursor ignored, ties shuffled, no /channels, anything but GET /bitstamp a 403 without CORS headers). Whole-
// window loads of the four channels must give the exact counts, and the trades channels' summary must equal
// statistics computed here from the main server's items in key order, (nmicrotimestamp, id).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, defer, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import { CHANNELS, allItems, assertCounts, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';
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
    const items = await allItems(channel, data.from, data.to);
    items.sort((a, b) => a.nmicrotimestamp - b.nmicrotimestamp || a.id - b.id);
    truth.set(channel, tradeStats(items));
  }
});
after(async () => {
  await browser?.close();
});

/** What the summary shows of trades in key order: the first and last trade's prices, and sums. */
function tradeStats(trades) {
  let volume = 0;
  let quote = 0;
  for (const t of trades) {
    volume += Number(t.amount);
    quote += Number(t.price) * Number(t.amount);
  }
  const prices = trades.map((t) => Number(t.price));
  return {
    open: prices[0],
    high: Math.max(...prices),
    low: Math.min(...prices),
    close: prices.at(-1),
    vwap: quote / volume,
    volume,
  };
}

/** Sums depend on the order of addition; the rest must be exact. */
const SUMS = new Set(['vwap', 'volume']);

/** The exact value of a summary cell: its `data-value`, else its text without thousands separators. */
async function cellValue(page, testid) {
  const cell = page.getByTestId(testid);
  const exact = await cell.getAttribute('data-value');
  return Number(exact ?? (await cell.textContent()).trim().replaceAll(',', ''));
}

async function assertTradeStats(page) {
  for (const [channel, want] of truth) {
    for (const [name, value] of Object.entries(want)) {
      const shown = await cellValue(page, `stat-${channel}-${name}`);
      const what = `${channel} ${name}: shown ${shown}, from the items in key order ${value}`;
      if (SUMS.has(name)) assert.ok(Math.abs(shown - value) <= Math.abs(value) * 1e-9, what);
      else assert.equal(shown, value, what);
    }
  }
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
