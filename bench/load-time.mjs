// Times a full load of the dashboard in headless Chromium: from navigation to `status` = done, for each K.
//
//   node bench/load-time.mjs http://127.0.0.1:8080 [K ...]      (default K: 1 4 8)
//
// The server must serve the dashboard (dist/) and the demo data. Prints one line per K with the time and
// the item count; run against a release server (`./scripts/run.sh`) for meaningful numbers.

import { launchBrowser, newPage } from '../tests/e2e/lib/browser.mjs';

const base = (process.argv[2] ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const ks = process.argv.slice(3).length ? process.argv.slice(3) : ['1', '4', '8'];
const channels = await (await fetch(`${base}/prod/channels`)).json();
const expected = channels.channels.reduce((sum, c) => sum + c.count, 0);
const ch = channels.channels.map((c) => c.channel).join(',');
const from = Math.min(...channels.channels.map((c) => c.first));
const to = Math.max(...channels.channels.map((c) => c.last));

const browser = await launchBrowser();
for (const k of ks) {
  const { context, page } = await newPage(browser);
  const started = Date.now();
  await page.goto(`${base}/?ch=${ch}&from=${from}&to=${to}&k=${k}`);
  await page.getByTestId('status').filter({ hasText: /^(done|error)$/ }).waitFor({ timeout: 600_000 });
  const seconds = (Date.now() - started) / 1000;
  const items = Number(await page.getByTestId('items-loaded').textContent());
  const pages = Number(await page.getByTestId('pages-loaded').textContent());
  console.log(`K=${k}: ${seconds.toFixed(2)} s, ${items} items (expected ${expected}), ${pages} pages`);
  await context.close();
}
await browser.close();
