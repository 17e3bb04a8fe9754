// The browser's cache: a reopened link is read from it with no request to the API; an overlapping range asks the
// API only for what the cache lacks; a stretch that does not check out is dropped and fetched again; IndexedDB
// serves where OPFS is missing; cache=0 and the toggle turn it off; Clear cache empties it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { allItems, count, dashboardUrl, fetchChannels, installProbe, waitForStatus } from './lib/dashboard.mjs';

const TRADES = 'live_trades_ethusd';
const ORDERS = 'live_orders_ethusd';
const MINUTE = 60e6;

let browser;
let data;
before(async () => {
  browser = await launchBrowser();
  data = await fetchChannels(apiUrl());
});
after(() => browser?.close());

/** A page with the probe; its context (and so its cache) lives until the test closes it. */
async function open(initScripts = []) {
  const opened = await newPage(browser);
  await opened.page.addInitScript(installProbe);
  for (const script of initScripts) await opened.page.addInitScript(script);
  return opened;
}

/** Waits until the cache has written everything (`data-busy` 0) and holds `stretches`; returns its bytes. */
async function cacheSettled(page, stretches) {
  const size = page.getByTestId('cache-size');
  await page.waitForFunction(
    (n) => {
      const el = document.querySelector('[data-testid="cache-size"]');
      return el?.dataset.busy === '0' && el.textContent.includes(` in ${n} stretch`);
    },
    stretches,
    { polling: 50, timeout: 20_000 },
  ).catch(async (error) => {
    throw new Error(`the cache did not settle with ${stretches} stretches: ${await size.textContent()}`, { cause: error });
  });
  return Number(await size.getAttribute('data-value'));
}

/** The `/bitstamp` requests for pages the page made, as `{channel, from, to}` (numbers): not the probe of what the
 * API answers (src/api.rs), which asks for an empty range at 0. */
async function dataRequests(page) {
  const urls = await page.evaluate(() => window.__probe.fetches.map((f) => f.url));
  return urls
    .filter((url) => new URL(url, 'http://x').pathname.endsWith('/bitstamp'))
    .map((url) => {
      const q = new URL(url, 'http://x').searchParams;
      return { channel: q.get('channel'), from: Number(q.get('from')), to: Number(q.get('to')) };
    })
    .filter((r) => r.to > 0);
}

async function load(page, { ch, from, to, ...extra }) {
  await page.goto(dashboardUrl({ ch, from, to, ...extra }));
  await waitForStatus(page, 'done');
}

test('a reopened link is read from the cache, with no request to the API and the exact counts', async () => {
  const { context, page, problems } = await open();
  const [from, to] = [data.from, data.from + 30 * MINUTE];
  const want = new Map();
  for (const channel of [TRADES, ORDERS]) want.set(channel, (await allItems(channel, from, to)).length);
  await load(page, { ch: [TRADES, ORDERS], from, to });
  assert.equal(await count(page, `cached-${TRADES}`), 0, 'nothing cached on a first visit');
  const bytes = await cacheSettled(page, 2);
  assert.ok(bytes > 0, `cache size ${bytes}`);

  await page.reload();
  await waitForStatus(page, 'done');
  for (const [channel, n] of want) {
    assert.equal(await count(page, `items-${channel}`), n, `items-${channel}`);
    assert.equal(await count(page, `cached-${channel}`), n, `cached-${channel}: all from the cache`);
  }
  assert.deepEqual(await dataRequests(page), [], 'no page asked of the API');
  assert.match(await page.getByTestId('status').locator('..').textContent(), /from the cache/);
  await page.getByTestId(`chart-price-${TRADES}`).locator('canvas').first().waitFor();
  await screenshot(page, 'cache-reopened.png');
  assertNoProblems(problems);
  await context.close();
});

test('an overlapping range asks the API only for what the cache lacks', async () => {
  const { context, page, problems } = await open();
  const from = data.from + 60 * MINUTE;
  await load(page, { ch: [TRADES], from, to: from + 20 * MINUTE - 1 });
  await cacheSettled(page, 1);
  // Ten minutes before the cached stretch, its twenty, and ten after.
  const [wider, widerTo] = [from - 10 * MINUTE, from + 30 * MINUTE - 1];
  const want = (await allItems(TRADES, wider, widerTo)).length;
  const cached = (await allItems(TRADES, from, from + 20 * MINUTE - 1)).length;
  await load(page, { ch: [TRADES], from: wider, to: widerTo });
  assert.equal(await count(page, `items-${TRADES}`), want, 'exact count across cached and fetched parts');
  assert.equal(await count(page, `cached-${TRADES}`), cached);
  const asked = await dataRequests(page);
  assert.ok(asked.length > 0);
  for (const r of asked) {
    const outside = r.to < from || r.from > from + 20 * MINUTE - 1;
    assert.ok(outside, `a request inside the cached stretch: ${JSON.stringify(r)}`);
  }
  // The three parts are kept as one stretch, replacing the one inside it.
  await cacheSettled(page, 1);
  await page.reload();
  await waitForStatus(page, 'done');
  assert.equal(await count(page, `cached-${TRADES}`), want);
  assertNoProblems(problems);
  await context.close();
});

test('a cached stretch that does not check out is dropped and fetched again, never shown', async () => {
  const { context, page, problems } = await open();
  const [from, to] = [data.from, data.from + 15 * MINUTE];
  const want = (await allItems(TRADES, from, to)).length;
  await load(page, { ch: [TRADES], from, to });
  await cacheSettled(page, 1);
  // Flip one byte in the middle of the stretch's file.
  const damaged = await page.evaluate(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('tickscope-cache');
    for await (const [name, handle] of dir.entries()) {
      if (!name.endsWith('.tsc')) continue;
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      bytes[bytes.length >> 1] ^= 0xff;
      const w = await handle.createWritable();
      await w.write(bytes);
      await w.close();
      return name;
    }
    return null;
  });
  assert.ok(damaged, 'a stretch file to damage');
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.reload();
  await waitForStatus(page, 'done');
  assert.equal(await count(page, `items-${TRADES}`), want);
  assert.equal(await count(page, `cached-${TRADES}`), 0, 'nothing read from the damaged stretch');
  assert.ok(warnings.some((w) => /dropped a stored stretch.*checksum/.test(w)), warnings.join('\n'));
  assert.ok((await dataRequests(page)).length > 0, 'fetched again');
  // Fetched again, it is kept again.
  await cacheSettled(page, 1);
  assertNoProblems(problems);
  await context.close();
});

test('where OPFS is missing, IndexedDB keeps the cache', async () => {
  const { context, page, problems } = await open([() => delete StorageManager.prototype.getDirectory]);
  const [from, to] = [data.from, data.from + 15 * MINUTE];
  await load(page, { ch: [TRADES], from, to });
  await cacheSettled(page, 1);
  await page.reload();
  await waitForStatus(page, 'done');
  assert.equal(await count(page, `cached-${TRADES}`), await count(page, `items-${TRADES}`));
  assert.deepEqual(await dataRequests(page), []);
  const stored = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const r = indexedDB.open('tickscope-cache');
        r.onsuccess = () => {
          const keys = r.result.transaction('files').objectStore('files').getAllKeys();
          keys.onsuccess = () => resolve(keys.result);
        };
      }),
  );
  assert.ok(stored.includes('index.json') && stored.some((k) => k.endsWith('.tsc')), String(stored));
  assertNoProblems(problems);
  await context.close();
});

test('cache=0 and the toggle turn the cache off; Clear cache empties it', async () => {
  const { context, page, problems } = await open();
  const [from, to] = [data.from, data.from + 15 * MINUTE];
  await load(page, { ch: [TRADES], from, to });
  const bytes = await cacheSettled(page, 1);

  // Off by the link: nothing read, nothing more kept, and the toggle shows it.
  await load(page, { ch: [TRADES], from, to, cache: 0 });
  assert.equal(await page.getByTestId('cache').isChecked(), false);
  assert.equal(await count(page, `cached-${TRADES}`), 0);
  assert.ok((await dataRequests(page)).length > 0);
  assert.equal(await cacheSettled(page, 1), bytes);

  // On by the toggle: the link follows, and the next load reads the cache.
  await page.getByTestId('cache').check();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('cache'));
  await page.getByTestId('load').click();
  await waitForStatus(page, 'done');
  assert.equal(await count(page, `cached-${TRADES}`), await count(page, `items-${TRADES}`));

  // Off by the toggle: written into the link.
  await page.getByTestId('cache').uncheck();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('cache') === '0');
  await page.getByTestId('cache').check();

  await page.getByTestId('clear-cache').click();
  await cacheSettled(page, 0);
  assert.equal(Number(await page.getByTestId('cache-size').getAttribute('data-value')), 0);
  assert.equal(await page.getByTestId('clear-cache').isDisabled(), true);
  await page.reload();
  await waitForStatus(page, 'done');
  assert.equal(await count(page, `cached-${TRADES}`), 0, 'cleared: fetched again');
  assertNoProblems(problems);
  await context.close();
});
