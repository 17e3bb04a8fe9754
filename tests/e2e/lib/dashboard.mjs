// Helpers for tests that drive the dashboard: the API's channel list, links that autoload, waiting for a status,
// reading the counters, and an in-page probe that timestamps status changes and fetches.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { apiUrl, baseUrl, outPath } from './browser.mjs';

export const CHANNELS = ['live_trades_btcusd', 'live_trades_ethusd', 'live_orders_btcusd', 'live_orders_ethusd'];

/** `GET {api}/channels` → `{ channels: Map(name → {count, first, last}), from, to }` (the whole data window). */
export async function fetchChannels(api) {
  const response = await fetch(`${api}/channels`);
  assert.equal(response.status, 200, `GET ${api}/channels`);
  const body = await response.json();
  const channels = new Map(body.channels.map((c) => [c.channel, c]));
  const spans = body.channels.filter((c) => c.first != null && c.last != null);
  return {
    channels,
    from: Math.min(...spans.map((c) => c.first)),
    to: Math.max(...spans.map((c) => c.last)),
  };
}

/** Every item of `channel` in [from, to] from `api` (default: the main server's), following LastEvaluatedKey. */
export async function allItems(channel, from, to, api = apiUrl()) {
  const items = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ channel, from: String(from), to: String(to) });
    if (cursor) query.set('cursor', cursor);
    const body = (await (await fetch(`${api}/bitstamp?${query}`)).json()).body;
    items.push(...body.Items);
    cursor = body.LastEvaluatedKey ? Buffer.from(JSON.stringify(body.LastEvaluatedKey)).toString('base64url') : null;
  } while (cursor);
  return items;
}

/** The trade statistics the dashboard shows, computed plainly from `items` in the order given (key order for the
 * truth: sort by `(nmicrotimestamp, id)` first). */
export function tradeStats(items) {
  const trades = items.filter((i) => i.event === 'trade');
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
    trades: trades.length,
  };
}

/** `items` sorted in key order, `(nmicrotimestamp, id)`, as the dashboard keeps them. */
export function inKeyOrder(items) {
  return [...items].sort((a, b) => a.nmicrotimestamp - b.nmicrotimestamp || a.id - b.id);
}

/** Statistics that are sums: their last bits depend on the order of addition. */
const SUMS = new Set(['vwap', 'volume', 'added_buy', 'added_sell']);

/** Fails unless each `stat-<channel>-<name>` cell's exact value (`data-value`) is `want[name]`: sums within 1e-9
 * relative, the rest exactly. */
export async function assertStats(page, channel, want) {
  for (const [name, value] of Object.entries(want)) {
    const shown = Number(await page.getByTestId(`stat-${channel}-${name}`).getAttribute('data-value'));
    const what = `${channel} ${name}: shown ${shown}, computed ${value}`;
    if (SUMS.has(name)) assert.ok(Math.abs(shown - value) <= Math.abs(value) * 1e-9, what);
    else assert.equal(shown, value, what);
  }
}

/** The option of the ECharts instance in the element with `data-testid=testid` (`getOption()`), or null. */
export function chartOption(page, testid) {
  return page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    const option = el && window.echarts.getInstanceByDom(el)?.getOption();
    return option ? JSON.parse(JSON.stringify(option, (k, v) => (typeof v === 'function' ? undefined : v))) : null;
  }, testid);
}

/** Waits until the chart container's ECharts instance draws `want` candles (the redraw is throttled). */
export function waitForCandles(page, testid, want) {
  return page.waitForFunction(
    ([id, n]) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      return window.echarts.getInstanceByDom(el)?.getOption().series[0]?.data?.length === n;
    },
    [testid, want],
  );
}

/** Waits until the chart container exists and its ECharts instance draws data: its first series is not empty. */
export function waitForData(page, testid) {
  return page.waitForFunction((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return el && window.echarts?.getInstanceByDom(el)?.getOption()?.series?.[0]?.data?.length > 0;
  }, testid);
}

/** Buckets of `seconds` holding at least one trade. */
export function buckets(items, seconds) {
  return new Set(items.filter((i) => i.event === 'trade').map((i) => Math.floor(i.nmicrotimestamp / (seconds * 1e6))))
    .size;
}

/**
 * The dashboard's URL for a view: `{ ch: [...], from, to, k, api, tz, extra }`; anything left out is left out of
 * the link. `origin` defaults to the main server.
 */
export function dashboardUrl({ ch, from, to, k, api, tz, ...extra } = {}, origin = baseUrl()) {
  const params = new URLSearchParams();
  if (ch) params.set('ch', Array.isArray(ch) ? ch.join(',') : ch);
  if (from != null) params.set('from', String(from));
  if (to != null) params.set('to', String(to));
  if (k != null) params.set('k', String(k));
  if (api != null) params.set('api', api);
  if (tz != null) params.set('tz', tz);
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  return `${origin}/?${params}`;
}

/**
 * Installed before the page's own scripts (`context.addInitScript` / `page.addInitScript`): records in `window.__probe`
 * every change of the `status` hook (`statuses: [{status, t}]`), every `fetch` (`fetches: [{url, t}]`) and every
 * click on a `data-testid` element (`clicks: [{testid, t}]`), with `t` = `performance.now()` (ms since navigation
 * start). The dashboard's requests go through the global `fetch` (wasm-bindgen's glue looks it up on each call).
 */
export function installProbe() {
  const probe = { statuses: [], fetches: [], clicks: [] };
  window.__probe = probe;
  const originalFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    probe.fetches.push({ url, t: performance.now() });
    return originalFetch.call(this, input, init);
  };
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target.closest('[data-testid]') : null;
      if (target) probe.clicks.push({ testid: target.getAttribute('data-testid'), t: performance.now() });
    },
    true,
  );
  let last;
  const check = () => {
    const status = document.querySelector('[data-testid="status"]')?.textContent ?? null;
    if (status !== last) {
      last = status;
      probe.statuses.push({ status, t: performance.now() });
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
}

/** The `status` hook's text. */
export async function status(page) {
  return (await page.getByTestId('status').textContent())?.trim();
}

/**
 * Waits until `status` is one of `settled` (default: done, error, cancelled), then fails unless it is `want`,
 * quoting the `error-message` box. Returns the in-page time (ms since navigation start) at which it got there,
 * when the probe is installed.
 */
export async function waitForStatus(page, want, { timeout = 120_000, settled = ['done', 'error', 'cancelled'] } = {}) {
  const stops = [...new Set([want, ...settled])];
  await page
    .waitForFunction(
      (stops) => stops.includes(document.querySelector('[data-testid="status"]')?.textContent?.trim()),
      stops,
      { timeout, polling: 50 },
    )
    .catch(async (error) => {
      throw new Error(
        `status did not become ${stops.join('|')} within ${timeout / 1000} s: it is ${await status(page)} ` +
          `with ${await count(page, 'items-loaded')} items; messages: ${await messages(page)}`,
        { cause: error },
      );
    });
  const got = await status(page);
  assert.equal(got, want, `status; messages: ${await messages(page)}`);
  return page.evaluate(
    (want) => window.__probe?.statuses.findLast((s) => s.status === want)?.t ?? null,
    want,
  );
}

/** The number in a digits-only hook (`items-loaded`, `pages-loaded`, `items-<channel>`). */
export async function count(page, testid) {
  const text = (await page.getByTestId(testid).textContent())?.trim() ?? '';
  assert.match(text, /^\d+$/, `${testid} is digits`);
  return Number(text);
}

/** The text of the `error-message` box, or '' when there is none. */
export async function messages(page) {
  const box = page.getByTestId('error-message');
  return (await box.count()) ? ((await box.textContent()) ?? '').trim() : '';
}

/** Fails unless `items-loaded` is the sum of `expected` (Map name → count) and each `items-<channel>` is its count. */
export async function assertCounts(page, expected) {
  let total = 0;
  for (const [channel, want] of expected) {
    assert.equal(await count(page, `items-${channel}`), want, `items-${channel}`);
    total += want;
  }
  assert.equal(await count(page, 'items-loaded'), total, 'items-loaded');
}

/** The `progress` bar's aria-valuenow, as a number. */
export async function progress(page) {
  return Number(await page.getByTestId('progress').getAttribute('aria-valuenow'));
}

/** Appends `entries` to tests/e2e/out/timings.json (an array of objects, created when missing). */
export function recordTimings(...entries) {
  const file = outPath('timings.json');
  let all = [];
  try {
    all = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(all)) all = [];
  } catch {
    all = [];
  }
  all.push(...entries);
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function closedPort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .on('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address();
        probe.close(() => resolve(port));
      });
  });
}

/** An instant (µs) as a link writes it, to the millisecond: `2022-03-21T03:29:24.123Z`. */
export const iso = (us) => new Date(us / 1000).toISOString();

/** µs since the epoch of an ISO 8601 UTC time with up to 6 fraction digits, as the link writes it. */
export function micros(text) {
  const [, base, fraction = ''] = text.match(/^(.*?)(?:\.(\d+))?Z$/);
  return Date.parse(`${base}Z`) * 1000 + Number(fraction.padEnd(6, '0'));
}

/** The link's zoom window in µs, or null. */
export function zoomOf(url) {
  const zoom = new URL(url).searchParams.get('zoom');
  return zoom ? zoom.split(',').map(micros) : null;
}

/**
 * Fails unless `check()` (async; `null` when what it reads is right, else what is wrong) comes out right within
 * `within` ms, asked again every 250 ms: for what a throttled draw shows, whose last draw of a load may come after
 * `done`.
 */
export async function settles(check, within = 15_000) {
  let wrong = 'not checked';
  for (const deadline = Date.now() + within; ; await new Promise((resolve) => setTimeout(resolve, 250))) {
    wrong = await check();
    if (wrong == null || Date.now() > deadline) break;
  }
  assert.equal(wrong, null);
}
