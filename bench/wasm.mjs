// Times the wasm build of crates/bench in headless Chromium: serves the module from 127.0.0.1, prepares the
// synthetic data once, then runs each benchmark RUNS times and prints median and min–max.
//
//   node bench/wasm.mjs DIR ITEMS RUNS        (run through ./scripts/bench-wasm.sh, which builds DIR)

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../tests/e2e/lib/browser.mjs';

const [dir, items = '1000000', runs = '15'] = process.argv.slice(2);
if (!dir) throw new Error('usage: node bench/wasm.mjs DIR ITEMS RUNS');

const page = `<!doctype html><script type="module">
import init, * as bench from './tickscope_bench.js';
window.run = async (items, runs) => {
  await init();
  bench.prepare(items, 4);
  const results = {};
  for (const name of ['candles_auto', 'heatmap_orders']) {
    const times = [];
    let result;
    for (let i = 0; i < runs + 2; i++) {
      const t = performance.now();
      result = bench[name]();
      if (i >= 2) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results[name] = { result, median: times[times.length >> 1], min: times[0], max: times.at(-1) };
  }
  return results;
};
</script>`;
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  const file = path.join(dir, path.basename(req.url));
  let body;
  try {
    body = readFileSync(file);
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const browser = await launchBrowser();
try {
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => typeof window.run === 'function');
  const results = await tab.evaluate(([n, r]) => window.run(n, r), [Number(items), Number(runs)]);
  console.log(`wasm in headless Chromium, ${items} items in 4 segments, ${runs} runs each:`);
  for (const [name, r] of Object.entries(results)) {
    const ms = (v) => v.toFixed(2).padStart(8);
    console.log(`  ${name.padEnd(16)} median ${ms(r.median)} ms  (min ${ms(r.min)}, max ${ms(r.max)})  result ${r.result}`);
  }
} finally {
  await browser.close();
  server.close();
}
