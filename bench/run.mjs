// Tickscope against the peers (bench/peer/: the plain JavaScript client a user would write, sequential or K
// segments per channel in parallel) and the floor (bench/floor.mjs: the server answering every page at once), side
// by side in one run, in headless Chromium, against release servers on 127.0.0.1. Prints one table; see
// BENCHMARKS.md.
//
//   node bench/run.mjs [RUNS] [SECTIONS]   (through ./scripts/bench.sh, which builds everything first)
//
// RUNS defaults to 3. SECTIONS, comma-separated, picks what to measure (default all): zero (full loads with no
// added latency, first chart, memory), latency (300 ms per page over HTTP/1.1), h2 (300 ms per page over HTTPS with
// HTTP/2, as API Gateway serves browsers), reopen (the whole window again from the cache, over HTTP/2), parse
// (and wasm aggregation), book (the order book at an instant, in wasm), tape (scrolling 100,000 trades), server,
// size.
//
// Environment (set by scripts/bench.sh): TICKSCOPE_SERVER_BIN (release), TICKSCOPE_DB (seeded), TICKSCOPE_DIST,
// BENCH_WASM_DIR (crates/bench built for wasm with wasm-bindgen --target web).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { floorOnce, pageQueries } from './floor.mjs';
import { launchBrowser } from '../tests/e2e/lib/browser.mjs';
import { installChartHooks } from '../tests/e2e/lib/echarts-hooks.mjs';
import { installProbe } from '../tests/e2e/lib/dashboard.mjs';
import { distDir, startServer } from '../tests/e2e/lib/server.mjs';
import { selfSignedCert } from '../tests/e2e/lib/tls.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const runs = Number(process.argv[2] ?? 3);
const sections = new Set((process.argv[3] ?? 'zero,latency,h2,reopen,parse,book,tape,server,size').split(','));
const wasmDir = process.env.BENCH_WASM_DIR;
const CHANNELS = ['live_trades_btcusd', 'live_trades_ethusd', 'live_orders_btcusd', 'live_orders_ethusd'];
/** The peers' segments per channel: 1 is the sequential client, 4 and 8 the parallel one. */
const PEER_KS = [1, 4, 8];

// ---- statistics and output ----------------------------------------------------------------------------------

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const fmt = (s, digits = 2) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const rows = [];
function row(what, tickscope, peer, unit, { digits = 2, lowerIsBetter = true } = {}) {
  const ratio = tickscope && peer?.median ? tickscope.median / peer.median : null;
  const faster = ratio == null ? '' : lowerIsBetter ? (1 / ratio).toFixed(2) : ratio.toFixed(2);
  rows.push([what, tickscope ? fmt(tickscope, digits) : '–', peer ? fmt(peer, digits) : '–', unit, ratio?.toFixed(3) ?? '–', faster]);
  console.error(`  ${what}: ${rows.at(-1).slice(1).join(' | ')}`);
}

// ---- static files for the peer and the wasm page, on their own origin ------------------------------------------

const wasmPage = `<!doctype html><link rel="icon" href="data:,"><script type="module">
import init, * as bench from './tickscope_bench.js';
window.bench = bench;
window.ready = init();
// Real page bodies: the first \`limit\` pages of \`channel\` over \`span\`, following the cursor.
window.fetchBodies = async (api, channel, span, limit = Infinity) => {
  const bodies = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ channel, from: span.from, to: span.to });
    if (cursor) q.set('cursor', cursor);
    const bytes = new Uint8Array(await (await fetch(api + '/bitstamp?' + q)).arrayBuffer());
    bodies.push(bytes);
    const key = JSON.parse(new TextDecoder().decode(bytes)).body.LastEvaluatedKey;
    cursor = key ? btoa(JSON.stringify(key)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '') : null;
  } while (cursor && bodies.length < limit);
  return bodies;
};
</script>`;
function serveStatic() {
  // Read when asked: only the parse section needs the benchmark module.
  const files = {
    '/': ['text/html', () => readFileSync(path.join(here, 'peer/index.html'))],
    '/peer.js': ['text/javascript', () => readFileSync(path.join(here, 'peer/peer.js'))],
    '/echarts.min.js': ['text/javascript', () => readFileSync(path.join(here, '../node_modules/echarts/dist/echarts.min.js'))],
    '/wasm.html': ['text/html', () => Buffer.from(wasmPage)],
    '/tickscope_bench.js': ['text/javascript', () => readFileSync(path.join(wasmDir, 'tickscope_bench.js'))],
    '/tickscope_bench_bg.wasm': ['application/wasm', () => readFileSync(path.join(wasmDir, 'tickscope_bench_bg.wasm'))],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url, 'http://x').pathname];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- one full load in a fresh page -------------------------------------------------------------------------

/**
 * Installed after `installChartHooks`, before the page's scripts: records ECharts renders that show data
 * (`window.__renders`, ms since navigation start) and keeps the wasm module's exports (`window.__wasm`) when trunk
 * starts the app.
 */
function installRenderProbe() {
  window.__renders = [];
  addEventListener('TrunkApplicationStarted', (e) => (window.__wasm = e.detail.wasm));
  window.__chartHooks.push((chart) =>
    chart.on('finished', () => {
      if (chart.getOption()?.series?.some((s) => s.data?.length)) window.__renders.push(performance.now());
    }),
  );
}

/** Installed before the page's scripts: records main-thread tasks over 50 ms (`window.__longtasks`, [start, ms]). */
function installLongTaskProbe() {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
}

/** Bytes of JS heap in use after a full garbage collection. */
async function heapAfterGc(page) {
  return page.evaluate(async () => {
    for (let i = 0; i < 3; i++) {
      window.gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    return performance.memory.usedJSHeapSize;
  });
}

/**
 * Loads every channel once; returns times from the first API request, in ms, memory, and the longest main-thread
 * task and the sum of tasks over 50 ms between the first request and the final chart.
 */
async function loadOnce(browser, url, isPeer) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true });
  await context.addInitScript(installProbe);
  await context.addInitScript(installChartHooks);
  await context.addInitScript(installRenderProbe);
  await context.addInitScript(installLongTaskProbe);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  let loaded;
  let items;
  if (isPeer) {
    await page.waitForFunction(() => window.peer, null, { timeout: 600_000, polling: 100 });
    const peer = await page.evaluate(() => window.peer);
    if (peer.error) throw new Error(`peer: ${peer.error}`);
    loaded = peer.loaded;
    items = peer.items;
  } else {
    ({ loaded, items } = await tickscopeSettled(page));
  }
  const probe = await page.evaluate(() => ({
    start: window.__probe.fetches.find((f) => f.url.includes('/bitstamp?'))?.t,
    renders: window.__renders,
    wasm: window.__wasm?.memory?.buffer.byteLength ?? 0,
    longtasks: window.__longtasks,
  }));
  const heap = await heapAfterGc(page);
  await context.close();
  if (errors.length) throw new Error(`${url}: ${errors.join('; ')}`);
  const drawn = probe.renders.at(-1);
  const tasks = probe.longtasks.filter(([t, ms]) => t + ms >= probe.start && t <= drawn).map(([, ms]) => ms);
  return {
    longest: Math.max(0, ...tasks),
    longSum: tasks.reduce((a, b) => a + b, 0),
    items,
    loaded: loaded - probe.start,
    drawn: drawn - probe.start,
    firstChart: probe.renders[0] - probe.start,
    heap,
    wasm: probe.wasm,
  };
}

/**
 * Waits until Tickscope's load is done and its charts have stopped redrawing; returns when it was done (ms since
 * navigation), its items, and the last render.
 */
async function tickscopeSettled(page) {
  await page.waitForFunction(
    () => ['done', 'error'].includes(document.querySelector('[data-testid="status"]')?.textContent?.trim()),
    null,
    { timeout: 600_000, polling: 50 },
  );
  const loaded = await page.evaluate(() => window.__probe.statuses.findLast((s) => s.status === 'done')?.t);
  if (loaded == null) throw new Error('tickscope: the load did not finish');
  const items = Number(await page.getByTestId('items-loaded').textContent());
  // The final redraw follows the last page within the redraw throttle: wait until renders stop.
  let count = -1;
  while (count !== (count = await page.evaluate(() => window.__renders.length))) await page.waitForTimeout(1500);
  return { loaded, items, drawn: await page.evaluate(() => window.__renders.at(-1)) };
}

/**
 * Loads every channel from the network, waits for the cache to have kept it, and reloads the link: times from
 * navigation to the final chart, both ways, and how many items the reload read from the cache.
 */
async function reopenOnce(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true });
  await context.addInitScript(installProbe);
  await context.addInitScript(installChartHooks);
  await context.addInitScript(installRenderProbe);
  const page = await context.newPage();
  await page.goto(url);
  const network = await tickscopeSettled(page);
  await page.waitForFunction(() => document.querySelector('[data-testid="cache-size"]')?.dataset.busy === '0', null, {
    timeout: 600_000,
    polling: 100,
  });
  await page.reload();
  const cache = await tickscopeSettled(page);
  const cached = Number(await page.getByTestId('items-cached').textContent());
  await context.close();
  if (cached !== network.items) throw new Error(`reopen: ${cached} of ${network.items} items from the cache`);
  return { network: network.drawn, cache: cache.drawn };
}

/** Tickscope's link for the load, as a user would share it: it plans its own requests. */
function tickscopeUrl(server, span) {
  return `${server.url}/?ch=${CHANNELS.join(',')}&from=${span.from}&to=${span.to}`;
}

function peerUrl(staticUrl, server, span, k) {
  return `${staticUrl}/?api=${encodeURIComponent(server.api)}&ch=${CHANNELS.join(',')}&from=${span.from}&to=${span.to}&k=${k}`;
}

// ---- sections -------------------------------------------------------------------------------------------------

/**
 * `runs` full loads by Tickscope and by each peer, and the floor (`queries`: every page of the load, cursors
 * known; `http2`: how the floor client connects), alternating so that a slow moment of the machine hits all alike.
 */
async function fullLoads(browser, staticUrl, server, span, label, { queries, http2 } = {}) {
  const results = { tickscope: [], floor: [] };
  for (const k of PEER_KS) results[k] = [];
  for (let run = 0; run < runs; run++) {
    results.tickscope.push(await loadOnce(browser, tickscopeUrl(server, span), false));
    for (const k of PEER_KS) results[k].push(await loadOnce(browser, peerUrl(staticUrl, server, span, k), true));
    if (queries) results.floor.push(await floorOnce(server.api, queries, { http2 }));
  }
  const of = (list, key, scale = 1) => spread(list.map((r) => r[key] / scale));
  const t = results.tickscope;
  for (const k of PEER_KS) {
    const peer = k === 1 ? 'sequential peer' : `parallel peer K=${k}`;
    row(`${label}: to final chart, vs ${peer} (s)`, of(t, 'drawn', 1000), of(results[k], 'drawn', 1000), 's');
  }
  if (queries) {
    const floor = spread(results.floor.map((ms) => ms / 1000));
    row(`${label}: load, vs the floor (${queries.length} pages at once) (s)`, of(t, 'loaded', 1000), floor, 's');
    row(`${label}: to final chart, vs the floor (s)`, of(t, 'drawn', 1000), floor, 's');
  }
  row(`${label}: longest main-thread task, vs parallel peer K=4 (ms)`, of(t, 'longest'), of(results[4], 'longest'), 'ms', { digits: 0 });
  row(`${label}: sum of tasks over 50 ms, vs parallel peer K=4 (ms)`, of(t, 'longSum'), of(results[4], 'longSum'), 'ms', { digits: 0 });
  return results;
}

async function parseThroughput(browser, staticUrl, server, span) {
  const page = await browser.newPage();
  await page.goto(`${staticUrl}/wasm.html`);
  await page.evaluate(() => window.ready);
  const result = await page.evaluate(
    async ({ api, span }) => {
      // The first 30 pages of the busiest orders channel.
      const bodies = await window.fetchBodies(api, 'live_orders_btcusd', span, 30);
      const total = bodies.reduce((n, b) => n + b.length, 0);
      const time = (fn) => {
        const t = performance.now();
        let items = 0;
        for (const body of bodies) items += fn(body);
        return { ms: performance.now() - t, items };
      };
      const wasm = (b) => window.bench.parse_page(b);
      const js = (b) => JSON.parse(new TextDecoder().decode(b)).body.Items.length;
      time(wasm);
      time(js);
      const out = { wasm: [], js: [], total, items: [] };
      for (let i = 0; i < 7; i++) {
        const w = time(wasm);
        const j = time(js);
        out.wasm.push(total / 1e6 / (w.ms / 1000));
        out.js.push(total / 1e6 / (j.ms / 1000));
        out.items.push([w.items, j.items]);
      }
      return out;
    },
    { api: server.api, span },
  );
  const [wasmItems, jsItems] = result.items[0];
  if (wasmItems !== jsItems) throw new Error(`parse: wasm read ${wasmItems} items, JSON.parse ${jsItems}`);
  row(`parse: MB/s (${(result.total / 1e6).toFixed(1)} MB of page bodies)`, spread(result.wasm), spread(result.js), 'MB/s', {
    lowerIsBetter: false,
  });

  const aggregate = await page.evaluate(() => {
    window.bench.prepare(1_000_000, 4);
    const out = {};
    for (const name of ['candles_auto', 'heatmap_orders']) {
      const times = [];
      for (let i = 0; i < 12; i++) {
        const t = performance.now();
        window.bench[name]();
        if (i >= 2) times.push(performance.now() - t);
      }
      out[name] = times;
    }
    return out;
  });
  row('wasm: candles of 1M trades (ms)', spread(aggregate.candles_auto), null, 'ms');
  row('wasm: heatmap of 1M order events (ms)', spread(aggregate.heatmap_orders), null, 'ms');
  await page.close();
}

/**
 * The order book of live_orders_btcusd (every page, as the dashboard holds them) in wasm: moving the instant to
 * random instants, p50 and p99 per run, against the peer that replays from the first event; the spread/mid series
 * of 500 intervals of 15 s (the second half of the window), against one pass from the first event.
 */
async function bookTimes(browser, staticUrl, server, span) {
  const page = await browser.newPage();
  await page.goto(`${staticUrl}/wasm.html`);
  await page.evaluate(() => window.ready);
  const result = await page.evaluate(
    async ({ api, span, runs }) => {
      let events = 0;
      for (const body of await window.fetchBodies(api, 'live_orders_btcusd', span)) events = window.bench.book_keep_page(body);
      const t0 = performance.now();
      window.bench.book_prepare();
      const prepareMs = performance.now() - t0;
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const instant = () => span.from + random() * (span.to - span.from);
      const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
      const timed = (fn) => {
        const t = performance.now();
        fn();
        return performance.now() - t;
      };
      const out = { events, prepareMs, p50: [], p99: [], peerP50: [], peerP99: [], series: [], peerSeries: [] };
      const seriesFrom = span.from + (span.to - span.from) / 2 - 500 * 15e6 / 2;
      for (let r = 0; r < runs; r++) {
        const moves = Array.from({ length: 1000 }, () => timed(() => window.bench.book_seek(instant(), false)));
        const peer = Array.from({ length: 40 }, () => timed(() => window.bench.book_seek(instant(), true)));
        out.p50.push(pct(moves, 0.5));
        out.p99.push(pct(moves, 0.99));
        out.peerP50.push(pct(peer, 0.5));
        out.peerP99.push(pct(peer, 0.99));
        out.series.push(timed(() => window.bench.book_series_15s(seriesFrom, 500, false)));
        out.peerSeries.push(timed(() => window.bench.book_series_15s(seriesFrom, 500, true)));
      }
      // The same book either way.
      const t = instant();
      out.same = window.bench.book_seek(t, false) === window.bench.book_seek(t, true);
      return out;
    },
    { api: server.api, span, runs },
  );
  if (!result.same) throw new Error('book: the replay and the peer disagree');
  const label = `book of live_orders_btcusd (${result.events.toLocaleString('en')} events)`;
  row(`${label}: move to a random instant, p50, vs replay from the first event (ms)`, spread(result.p50), spread(result.peerP50), 'ms', { digits: 3 });
  row(`${label}: move to a random instant, p99, vs replay from the first event (ms)`, spread(result.p99), spread(result.peerP99), 'ms', { digits: 3 });
  row(`${label}: spread/mid series of 500 intervals, vs one pass from the first event (ms)`, spread(result.series), spread(result.peerSeries), 'ms');
  row(`${label}: checkpoints over every event, once (ms)`, spread([result.prepareMs]), null, 'ms');
  await page.close();
}

/** Pages per second of `clients` clients, each paging the busiest channel again and again, for `seconds`. */
async function serverPages(server, span, clients, seconds = 5) {
  const until = Date.now() + seconds * 1000;
  let pages = 0;
  const client = async () => {
    let cursor = null;
    while (Date.now() < until) {
      const q = new URLSearchParams({ channel: 'live_orders_btcusd', from: String(span.from), to: String(span.to) });
      if (cursor) q.set('cursor', cursor);
      const body = (await (await fetch(`${server.api}/bitstamp?${q}`, { headers: { 'accept-encoding': 'identity' } })).json()).body;
      pages += 1;
      const key = body.LastEvaluatedKey;
      cursor = key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return pages / seconds;
}

function firstLoadBytes() {
  const dist = distDir();
  // Everything the page loads: dist/ holds nothing else but 404.html (index.html again).
  const referenced = readdirSync(dist, { recursive: true }).filter(
    (f) => f !== '404.html' && statSync(path.join(dist, f)).isFile(),
  );
  const sizes = Object.fromEntries(referenced.map((f) => [f, gzipSync(readFileSync(path.join(dist, f)), { level: 9 }).length]));
  return { sizes, total: Object.values(sizes).reduce((a, b) => a + b, 0) };
}

// ---- the tape ------------------------------------------------------------------------------------------------

/** Trades of one channel for the tape's benchmark: `n` over an hour, as the original API has them. */
function tapeItems(n, from) {
  const lines = [];
  let price = 41_000;
  for (let i = 0; i < n; i++) {
    const ts = from + Math.floor((i * 3_600e6) / n);
    price = Math.max(1, price + (((i * 7919) % 13) - 6) * 0.25);
    const amount = (((i * 104_729) % 100_000) / 1e6 + 0.0001).toFixed(8);
    lines.push(JSON.stringify({
      id: 1_000_000 + i, timestamp: String(Math.floor(ts / 1e6)), amount: Number(amount), amount_str: amount,
      price, price_str: price.toFixed(2), type: i % 3 === 0 ? 1 : 0, microtimestamp: String(ts),
      buy_order_id: 2 * i, sell_order_id: 2 * i + 1, channel: 'live_trades_btcusd', nmicrotimestamp: ts,
    }));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The time and sales of 100,000 trades, scrolled from the newest to the oldest ten screenfuls a frame: the longest
 * main-thread task and the slowest frame, against the same rows in a virtual list written in plain JavaScript. (A
 * plain list of every row, even with `content-visibility: auto`, took 865 ms tasks and 5 minutes: left out.)
 */
async function tapeScroll(browser, bin) {
  const n = 100_000;
  const db = path.join(path.dirname(process.env.TICKSCOPE_DB), `tape-${n}.db`);
  const from = 1_647_830_700_000_000;
  if (!existsSync(db)) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tickscope-tape-')), 'trades.ndjson');
    writeFileSync(file, tapeItems(n, from));
    execFileSync(bin, ['--db', db, 'import', file], { stdio: 'ignore' });
  }
  const server = await startServer({ bin, db });
  const results = { tickscope: [], peer: [] };
  try {
    const listed = await (await fetch(`${server.api}/channels`)).json();
    const { first, last } = listed.channels[0];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/?ch=live_trades_btcusd&from=${first}&to=${last}&cache=0`);
      await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent.trim() === 'done', null, { timeout: 120_000 });
      const tape = page.getByTestId('tape-live_trades_btcusd');
      await page.waitForFunction((n) => document.querySelector('[data-testid="tape-live_trades_btcusd"]')?.dataset.rows === String(n), n);
      await tape.scrollIntoViewIfNeeded();
      results.tickscope.push(await page.evaluate(scrollMeasured, '[data-testid="tape-live_trades_btcusd"]'));
      // The peer: a virtual list as a user would write it in plain JavaScript (the rows as strings, the ones in
      // sight drawn on each scroll), with the same rows, scrolled the same way.
      await page.evaluate((n) => {
        const list = Object.assign(document.createElement('div'), { id: 'peer-tape' });
        list.style.cssText = 'height:330px;overflow-y:auto;font:12px monospace;width:23rem;position:relative';
        list.dataset.rows = n;
        const spacer = Object.assign(document.createElement('div'), { style: `height:${n * 22}px` });
        const block = Object.assign(document.createElement('div'), { style: 'position:absolute;top:0;left:0;right:0' });
        list.append(spacer, block);
        const shown = [...document.querySelectorAll('[data-testid="tape-live_trades_btcusd"] .tape-row')].map((r) => r.textContent);
        const rows = Array.from({ length: n }, (_, i) => shown[i % shown.length]);
        const draw = () => {
          const first = Math.floor(list.scrollTop / 22);
          block.style.transform = `translateY(${first * 22}px)`;
          block.replaceChildren(...rows.slice(first, first + 17).map((t) => Object.assign(document.createElement('div'), { textContent: t, style: 'height:22px' })));
        };
        list.addEventListener('scroll', draw);
        draw();
        document.body.prepend(list);
      }, n);
      results.peer.push(await page.evaluate(scrollMeasured, '#peer-tape'));
      await context.close();
    }
  } finally {
    await server.stop();
  }
  for (const r of [...results.tickscope, ...results.peer]) {
    if (r.rows < n) throw new Error(`tape: scrolled past ${r.rows} of ${n} rows`);
  }
  const of = (list, key) => spread(list.map((r) => r[key]));
  row(`tape: scrolling ${n.toLocaleString('en')} trades top to bottom, longest task, vs a plain JS virtual list (ms)`, of(results.tickscope, 'longest'), of(results.peer, 'longest'), 'ms', { digits: 0 });
  row('tape: the same, slowest frame (ms)', of(results.tickscope, 'frame'), of(results.peer, 'frame'), 'ms', { digits: 0 });
}

/** In the page: scrolls the list at `selector` from top to bottom, ten screenfuls a frame, observing long tasks. */
async function scrollMeasured(selector) {
  const list = document.querySelector(selector);
  const tasks = [];
  const observer = new PerformanceObserver((l) => tasks.push(...l.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask' });
  const frames = [];
  let last = performance.now();
  const frame = () =>
    new Promise((resolve) =>
      requestAnimationFrame((t) => {
        frames.push(t - last);
        last = t;
        resolve();
      }),
    );
  await frame();
  frames.length = 0;
  let seen = 0;
  for (let top = 0; top < list.scrollHeight; top += list.clientHeight * 10) {
    list.scrollTop = top;
    await frame();
    seen = Math.max(seen, Math.round((list.scrollTop + list.clientHeight) / 22));
  }
  list.scrollTop = list.scrollHeight;
  await frame();
  seen = Math.max(seen, Math.round((list.scrollTop + list.clientHeight) / 22));
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const rows = Number(list.dataset.rows);
  return { longest: Math.max(0, ...tasks), frame: Math.max(...frames), rows: Math.min(rows, seen) };
}

// ---- main ---------------------------------------------------------------------------------------------------

const staticServer = await serveStatic();
const staticUrl = `http://127.0.0.1:${staticServer.address().port}`;
const bin = process.env.TICKSCOPE_SERVER_BIN;
const fast = await startServer({ bin });
const slow = await startServer({ bin, args: ['--latency-ms', '300'] });
const tls = selfSignedCert(mkdtempSync(path.join(tmpdir(), 'tickscope-bench-tls-')));
const slowH2 = await startServer({ bin, args: [...tls, '--latency-ms', '300'] });
const browser = await launchBrowser(['--enable-precise-memory-info', '--js-flags=--expose-gc', '--ignore-certificate-errors']);
try {
  const listed = await (await fetch(`${fast.api}/channels`)).json();
  const span = {
    from: Math.min(...listed.channels.map((c) => c.first)),
    to: Math.max(...listed.channels.map((c) => c.last)),
  };
  const total = listed.channels.reduce((n, c) => n + c.count, 0);
  console.error(`${total} items in ${CHANNELS.length} channels; ${runs} runs per line`);

  if (sections.has('zero')) {
    const zero = await fullLoads(browser, staticUrl, fast, span, 'no added latency');
    const [t, peer] = [zero.tickscope, zero[4]];
    const of = (list, key, scale = 1) => spread(list.map((r) => r[key] / scale));
    row('time to first chart, vs parallel peer K=4 (ms)', of(t, 'firstChart'), of(peer, 'firstChart'), 'ms', { digits: 0 });
    row('memory: JS heap after load (MB)', of(t, 'heap', 1e6), of(peer, 'heap', 1e6), 'MB');
    row('memory: wasm linear memory (MB)', of(t, 'wasm', 1e6), null, 'MB');
    const perItem = (r) => (r.wasm + r.heap) / r.items;
    row('memory: bytes per item, wasm + JS heap', spread(t.map(perItem)), spread(peer.map((r) => r.heap / r.items)), 'B', { digits: 0 });
    row('memory: wasm bytes per item', spread(t.map((r) => r.wasm / r.items)), null, 'B', { digits: 1 });
    for (const r of [...t, ...PEER_KS.flatMap((k) => zero[k])]) {
      if (r.items !== total) throw new Error(`a load ended with ${r.items} of ${total} items`);
    }
  }
  const queries = sections.has('latency') || sections.has('h2') ? await pageQueries(fast.api, CHANNELS, span) : null;
  if (sections.has('latency')) {
    await fullLoads(browser, staticUrl, slow, span, '300 ms per page, HTTP/1.1', { queries, http2: false });
  }
  if (sections.has('h2')) await fullLoads(browser, staticUrl, slowH2, span, '300 ms per page, HTTP/2', { queries, http2: true });
  if (sections.has('reopen')) {
    const reopened = [];
    for (let i = 0; i < runs; i++) reopened.push(await reopenOnce(browser, tickscopeUrl(slowH2, span)));
    const of = (key) => spread(reopened.map((r) => r[key] / 1000));
    row('reopen the whole window from the cache, vs from the network (300 ms per page, HTTP/2): navigation to final chart (s)', of('cache'), of('network'), 's');
  }
  if (sections.has('parse')) await parseThroughput(browser, staticUrl, fast, span);
  if (sections.has('book')) await bookTimes(browser, staticUrl, fast, span);
  if (sections.has('tape')) await tapeScroll(browser, bin);
  if (sections.has('server')) {
    const single = [];
    const sixteen = [];
    for (let i = 0; i < runs; i++) {
      single.push(await serverPages(fast, span, 1));
      sixteen.push(await serverPages(fast, span, 16));
    }
    row('server: 1 MB pages/s, 1 client', spread(single), null, 'pages/s', { lowerIsBetter: false });
    row('server: 1 MB pages/s, 16 clients', spread(sixteen), null, 'pages/s', { lowerIsBetter: false });
  }
  if (sections.has('size')) {
    const size = firstLoadBytes();
    const kb = (n) => ({ median: n / 1024, min: n / 1024, max: n / 1024 });
    row(`first load, gzip (${Object.entries(size.sizes).map(([f, n]) => `${path.basename(f).replace(/-[0-9a-f]{1,16}(?=[._])/, '')} ${(n / 1024).toFixed(0)}`).join(', ')})`, kb(size.total), null, 'KB', { digits: 0 });
  }
} finally {
  await browser.close();
  await fast.stop();
  await slow.stop();
  await slowH2.stop();
  staticServer.close();
}

console.log('\n| measure | Tickscope | peer | unit | Tickscope / peer | Tickscope faster by |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nmedian (min–max) of ${runs} runs; machine: ${(await import('node:os')).cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`);
