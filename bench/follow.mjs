// Following live, measured (a section of scripts/bench.sh; BENCHMARKS.md's "Following live" table): the exchange
// simulator (btcusd only, so the ethusd channels are quiet) recorded by `serve --collect` into a fresh SQLite file,
// release builds, headless Chromium on 127.0.0.1.
//
// - Delay: from an item's arrival in the store (seen by this script asking the API every 100 ms) to the dashboard's
//   count of its channel including it, p50/p99, over LATENCY_MINUTES, for a busy channel (BTC orders) and a
//   trades channel, with an instant `from` (counts only rise).
// - Requests per minute while following, per channel: busy (BTC orders), trades (BTC), quiet (ETH trades).
// - Memory of a second tab following the four channels with `from=now-15m` for MEMORY_MINUTES: JS heap after a
//   full GC, wasm memory and items held, every few minutes (flat once the window is full).
//
//   node bench/follow.mjs [LATENCY_MINUTES [MEMORY_MINUTES]]   (default 5 and 30; through ./scripts/bench-follow.sh)

import { launchBrowser } from '../tests/e2e/lib/browser.mjs';
import { freshStore, startSimulator } from '../tests/e2e/lib/collector.mjs';
import { CHANNELS, dashboardUrl, installProbe } from '../tests/e2e/lib/dashboard.mjs';
import { startServer } from '../tests/e2e/lib/server.mjs';

const latencyMinutes = Number(process.argv[2] ?? 5);
const memoryMinutes = Number(process.argv[3] ?? 30);
const BUSY = 'live_orders_btcusd';
const TRADES = 'live_trades_btcusd';
const QUIET = 'live_trades_ethusd';
const LOOKBACK_US = 3e6;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const log = (...args) => console.error(new Date().toISOString().slice(11, 19), ...args);

/** Records in `window.__counts[channel]` every change of the dashboard's `items-<channel>`: [count, epoch ms]. */
function installCountProbe() {
  window.__counts = {};
  addEventListener('TrunkApplicationStarted', (e) => (window.__wasm = e.detail.wasm));
  const check = () => {
    for (const el of document.querySelectorAll('[data-testid^="items-live_"]')) {
      const channel = el.dataset.testid.slice('items-'.length);
      const series = (window.__counts[channel] ??= []);
      const count = Number(el.textContent);
      if (series.at(-1)?.[0] !== count) series.push([count, performance.timeOrigin + performance.now()]);
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
}

/** When each item of `channel` since `from` first shows in the API, asked every 100 ms: epoch ms, in order seen. */
function watchStore(api, channel, from) {
  const seen = new Map();
  let newest = from;
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const query = new URLSearchParams({ channel, from: String(Math.max(from, newest - LOOKBACK_US)), to: String(Date.now() * 1000 + 60e6) });
      let cursor = null;
      do {
        if (cursor) query.set('cursor', cursor);
        const body = (await (await fetch(`${api}/bitstamp?${query}`)).json()).body;
        const now = Date.now();
        for (const item of body.Items) {
          const key = `${item.id}/${item.microtimestamp}`;
          if (!seen.has(key)) seen.set(key, now);
          newest = Math.max(newest, item.nmicrotimestamp);
        }
        cursor = body.LastEvaluatedKey ? Buffer.from(JSON.stringify(body.LastEvaluatedKey)).toString('base64url') : null;
      } while (cursor);
      await sleep(100);
    }
  })();
  return { times: () => [...seen.values()].sort((a, b) => a - b), stop: () => ((stop = true), done) };
}

/** Delays (ms) from the n-th item's arrival in the store to the count reaching n, for counts after `after` ms. */
function delays(counts, arrivals, after) {
  const out = [];
  let previous = 0;
  for (const [count, at] of counts) {
    for (let n = previous + 1; n <= Math.min(count, arrivals.length); n++) {
      if (arrivals[n - 1] >= after) out.push(at - arrivals[n - 1]);
    }
    previous = Math.max(previous, count);
  }
  return out;
}

/** JS heap after a full GC, wasm memory and items held, in the memory tab. */
function memory(page) {
  return page.evaluate(async () => {
    for (let i = 0; i < 3; i++) {
      window.gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      heap: performance.memory.usedJSHeapSize,
      wasm: window.__wasm?.memory?.buffer.byteLength ?? 0,
      items: Number(document.querySelector('[data-testid="items-loaded"]').textContent),
      status: document.querySelector('[data-testid="status"]').textContent,
    };
  });
}

const db = freshStore();
const simulator = await startSimulator(['--pairs', 'btcusd', '--seed', '3']);
const server = await startServer({ db, args: ['--collect', '--ws-url', simulator.url] });
const start = Date.now() * 1000;
await sleep(5_000);
const browser = await launchBrowser(['--enable-precise-memory-info', '--js-flags=--expose-gc']);

// The memory tab first: it runs the longest.
const memoryPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
await memoryPage.addInitScript(installCountProbe);
await memoryPage.goto(dashboardUrl({ ch: CHANNELS, from: 'now-15m', to: 'now', follow: 1, api: server.api }, server.url));
const memoryStarted = Date.now();

const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
await page.addInitScript(installProbe);
await page.addInitScript(installCountProbe);
const watched = [BUSY, TRADES].map((channel) => [channel, watchStore(server.api, channel, start)]);
await page.goto(dashboardUrl({ ch: [BUSY, TRADES, QUIET], from: start, to: 'now', follow: 1, api: server.api }, server.url));
await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === 'live', null, { timeout: 60_000 });
const liveAt = Date.now();
log(`live; measuring the delay for ${latencyMinutes} min`);
await sleep(latencyMinutes * 60_000);

const counts = await page.evaluate(() => window.__counts);
const fetches = await page.evaluate(() => window.__probe.fetches.map((f) => ({ url: f.url, t: performance.timeOrigin + f.t })));
const results = [];
for (const [channel, watch] of watched) {
  await watch.stop();
  const d = delays(counts[channel] ?? [], watch.times(), liveAt + 10_000);
  results.push(`| delay to the count, ${channel} (${d.length} items) | ${quantile(d, 0.5).toFixed(0)} ms | ${quantile(d, 0.99).toFixed(0)} ms |`);
}
const minutes = (Date.now() - liveAt) / 60_000;
const perMinute = (channel) => fetches.filter((f) => f.t >= liveAt && f.url.includes(`channel=${channel}`)).length / minutes;
console.log('| measure | p50 | p99 |\n|---|---|---|');
console.log(results.join('\n'));
console.log(`\n| requests per minute while following | ${BUSY} (busy) | ${TRADES} | ${QUIET} (quiet) |\n|---|---|---|---|`);
console.log(`| ${minutes.toFixed(1)} min | ${perMinute(BUSY).toFixed(1)} | ${perMinute(TRADES).toFixed(1)} | ${perMinute(QUIET).toFixed(1)} |`);
await page.context().close();

console.log('\n| following `from=now-15m`, four channels | JS heap after GC | wasm memory | items held | status |\n|---|---|---|---|---|');
const marks = [1, 5, 10, 15, 20, 25, 30, 45, 60].filter((m) => m <= memoryMinutes);
if (marks.at(-1) !== memoryMinutes) marks.push(memoryMinutes);
for (const mark of marks) {
  await sleep(Math.max(0, memoryStarted + mark * 60_000 - Date.now()));
  const m = await memory(memoryPage);
  console.log(`| ${mark} min | ${(m.heap / 1e6).toFixed(1)} MB | ${(m.wasm / 1e6).toFixed(1)} MB | ${m.items} | ${m.status} |`);
}
await browser.close();
await server.stop();
await simulator.stop();
