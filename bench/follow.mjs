// Following live, measured (a section of scripts/bench.sh; BENCHMARKS.md's "Following live" table): the exchange
// simulator (btcusd only, so the ethusd channels are quiet) recorded by `serve --collect` into a fresh SQLite file,
// release builds, headless Chromium on 127.0.0.1.
//
// - Delay: from an item's arrival in the store (seen by this script asking the API every 100 ms) to the dashboard's
//   count of its channel including it, p50/p99, over LATENCY_MINUTES, for a busy channel (BTC orders) and a
//   trades channel, with an instant `from` (counts only rise).
// - Requests per minute while following, per channel: busy (BTC orders), trades (BTC), quiet (ETH trades).
// - The peer: what a user would write in an afternoon, in a tab of its own: each channel asked every 2 s for what
//   is newer than its newest item (`from` = that item's time, repeats at it dropped by id, `LastEvaluatedKey`
//   followed), counted; its delay and requests per minute beside Tickscope's.
// - Memory of a second tab following the four channels with `from=now-15m` for MEMORY_MINUTES: JS heap after a
//   full GC, wasm memory and items held, every few minutes (flat once the window is full).
//
//   node bench/follow.mjs [LATENCY_MINUTES [MEMORY_MINUTES]]   (default 5 and 30; through ./scripts/bench-follow.sh)

import { launchBrowser } from '../tests/e2e/lib/browser.mjs';
import { freshStore, startSimulator } from '../tests/e2e/lib/collector.mjs';
import { CHANNELS, allItems, dashboardUrl, installProbe } from '../tests/e2e/lib/dashboard.mjs';
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
      const items = await allItems(channel, Math.max(from, newest - LOOKBACK_US), Date.now() * 1000 + 60e6, api);
      const now = Date.now();
      for (const item of items) {
        const key = `${item.id}/${item.microtimestamp}`;
        if (!seen.has(key)) seen.set(key, now);
        newest = Math.max(newest, item.nmicrotimestamp);
      }
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

/** The peer follower, run in a blank tab: every 2 s per channel, from its newest item on. */
function peerFollow([api, channels, from]) {
  window.__counts = {};
  window.__fetches = [];
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (const channel of channels) {
    let newest = from;
    let atNewest = new Set();
    let count = 0;
    window.__counts[channel] = [];
    (async () => {
      for (;;) {
        let cursor = null;
        const query = new URLSearchParams({ channel, from: String(newest), to: String(Date.now() * 1000) });
        do {
          if (cursor) query.set('cursor', cursor);
          window.__fetches.push({ url: `/bitstamp?channel=${channel}`, t: Date.now() });
          const body = JSON.parse(await (await fetch(`${api}/bitstamp?${query}`)).text()).body;
          for (const item of body.Items) {
            const ts = item.nmicrotimestamp;
            if (ts < newest || (ts === newest && atNewest.has(item.id))) continue;
            if (ts > newest) {
              newest = ts;
              atNewest = new Set();
            }
            atNewest.add(item.id);
            count++;
          }
          cursor = body.LastEvaluatedKey ? btoa(JSON.stringify(body.LastEvaluatedKey)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : null;
        } while (cursor);
        const series = window.__counts[channel];
        if (series.at(-1)?.[0] !== count) series.push([count, Date.now()]);
        await sleep(2_000);
      }
    })();
  }
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
// Sampled while the delay is measured in the other tab.
const memoryRows = (async () => {
  const marks = [1, 5, 10, 15, 20, 25, 30, 45, 60].filter((m) => m <= memoryMinutes);
  if (marks.at(-1) !== memoryMinutes) marks.push(memoryMinutes);
  const rows = [];
  for (const mark of marks) {
    await sleep(Math.max(0, memoryStarted + mark * 60_000 - Date.now()));
    const m = await memory(memoryPage);
    rows.push(`| ${mark} min | ${(m.heap / 1e6).toFixed(1)} MB | ${(m.wasm / 1e6).toFixed(1)} MB | ${m.items} | ${m.status} |`);
    log(rows.at(-1));
  }
  return rows;
})();

const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
await page.addInitScript(installProbe);
await page.addInitScript(installCountProbe);
const watched = [BUSY, TRADES].map((channel) => [channel, watchStore(server.api, channel, start)]);
await page.goto(dashboardUrl({ ch: [BUSY, TRADES, QUIET], from: start, to: 'now', follow: 1, api: server.api }, server.url));
const peer = await (await browser.newContext()).newPage();
await peer.goto(`${server.url}/prod/channels`);
await peer.evaluate(peerFollow, [server.api, [BUSY, TRADES, QUIET], start]);
await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === 'live', null, { timeout: 60_000 });
const liveAt = Date.now();
log(`live; measuring the delay for ${latencyMinutes} min`);
await sleep(latencyMinutes * 60_000);

const counts = await page.evaluate(() => window.__counts);
const fetches = await page.evaluate(() => window.__probe.fetches.map((f) => ({ url: f.url, t: performance.timeOrigin + f.t })));
const peerCounts = await peer.evaluate(() => window.__counts);
const peerFetches = await peer.evaluate(() => window.__fetches);
const minutes = (Date.now() - liveAt) / 60_000;
const ms = (x) => `${x.toFixed(0)} ms`;
console.log('| delay from the store to the count | Tickscope p50 | p99 | peer p50 | p99 |\n|---|---|---|---|---|');
for (const [channel, watch] of watched) {
  await watch.stop();
  const arrivals = watch.times();
  const ours = delays(counts[channel] ?? [], arrivals, liveAt + 10_000);
  const theirs = delays(peerCounts[channel] ?? [], arrivals, liveAt + 10_000);
  console.log(`| ${channel} (${ours.length} items) | ${ms(quantile(ours, 0.5))} | ${ms(quantile(ours, 0.99))} | ${ms(quantile(theirs, 0.5))} | ${ms(quantile(theirs, 0.99))} |`);
}
const perMinute = (list, route, channel) =>
  (list.filter((f) => f.t >= liveAt && f.url.includes(`/${route}?`) && f.url.includes(`channel=${channel}`)).length / minutes).toFixed(1);
console.log(`\n| requests per minute while following (${minutes.toFixed(1)} min) | ${BUSY} (busy) | ${TRADES} | ${QUIET} (quiet) |\n|---|---|---|---|`);
for (const [who, list, route] of [['Tickscope, pages', fetches, 'bitstamp'], ['Tickscope, gaps', fetches, 'gaps'], ['peer, pages', peerFetches, 'bitstamp']]) {
  console.log(`| ${who} | ${perMinute(list, route, BUSY)} | ${perMinute(list, route, TRADES)} | ${perMinute(list, route, QUIET)} |`);
}
await page.context().close();
await peer.context().close();

console.log('\n| following `from=now-15m`, four channels | JS heap after GC | wasm memory | items held | status |\n|---|---|---|---|---|');
console.log((await memoryRows).join('\n'));
await browser.close();
await server.stop();
await simulator.stop();
