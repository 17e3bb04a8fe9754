// Loading data in the dashboard: whole-window loads of the four channels (K = 1 and 4, timed), cancel and resume,
// injected faults, an API that ignores the cursor, retries running out, garbage and HTML in the link, and Copy
// link. Tests that need a misbehaving API start an extra `tickscope-server` with test options over the main
// server's database (lib/server.mjs) and point the dashboard (served by the main server) at it with `api=`.

import assert from 'node:assert/strict';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, baseUrl, defer, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import {
  CHANNELS,
  assertCounts,
  count,
  dashboardUrl,
  fetchChannels,
  installProbe,
  messages,
  progress,
  recordTimings,
  status,
  waitForStatus,
} from './lib/dashboard.mjs';
import { serverBin, startServer } from './lib/server.mjs';

const DONE_TIMEOUT = 120_000;
const STATUSES = ['idle', 'loading', 'done', 'error', 'cancelled'];

let browser;
/** The main server's data: `{ channels: Map(name → {count, first, last}), from, to }`. */
let data;
before(async () => {
  browser = await launchBrowser();
  data = await fetchChannels(apiUrl());
  assert.deepEqual([...data.channels.keys()].sort(), [...CHANNELS].sort(), 'channels of the API');
});
after(async () => {
  await browser?.close();
});

/** name → count of the main server's data, for `channels`. */
function expected(channels) {
  return new Map(channels.map((c) => [c, data.channels.get(c).count]));
}

/** A whole-window link for `channels`. */
function wholeWindow(channels, more = {}) {
  return dashboardUrl({ ch: channels, from: data.from, to: data.to, tz: 'utc', ...more });
}

/** A page with the in-page probe (lib/dashboard.mjs) installed, closed after the test. */
async function probedPage(t, contextOptions) {
  const opened = await newPage(browser, contextOptions);
  await opened.page.addInitScript(installProbe);
  opened.page.on('dialog', (dialog) => {
    opened.problems.dialogs = [...(opened.problems.dialogs ?? []), dialog.message()];
    dialog.dismiss().catch(() => {});
  });
  defer(t, () => opened.context.close());
  return opened;
}

/** An extra server with test options over the main server's database, stopped after the test. */
async function extraServer(t, name, args) {
  const server = await startServer({ args, log: outPath(`server-${name}.log`) });
  defer(t, () => server.stop());
  return server;
}

/** The page's requests of GET …/bitstamp, but for the empty-range probe that tells our API from the original. */
function pageRequests(problems) {
  return problems.requests.filter((url) => url.includes('/bitstamp?') && !url.includes('&from=0&to=0'));
}

for (const k of [1, 4]) {
  test(`loads the four channels over the whole window with K = ${k}: exact counts, timed`, async (t) => {
    const { page, problems } = await probedPage(t);
    const link = wholeWindow(CHANNELS, { k });
    const started = Date.now();
    await page.goto(link);
    const doneAt = await waitForStatus(page, 'done', { timeout: DONE_TIMEOUT });
    const wallMs = Date.now() - started;

    await assertCounts(page, expected(CHANNELS));
    assert.equal(await progress(page), 100, 'progress');
    const loadingAt = await page.evaluate(() => window.__probe.statuses.find((s) => s.status === 'loading')?.t);
    const pages = await count(page, 'pages-loaded');
    const requests = pageRequests(problems).length;
    assert.equal(requests, pages, 'one request per page (no retries against a healthy server)');
    // Each of the K segments of each channel is paged on its own.
    assert.ok(pages >= CHANNELS.length * k, `${pages} pages`);

    const timing = {
      test: 'full-load',
      k,
      channels: CHANNELS,
      items: await count(page, 'items-loaded'),
      pages,
      ms: Math.round(doneAt),
      loadMs: Math.round(doneAt - loadingAt),
      wallMs,
      server: path.relative(process.cwd(), serverBin()),
      cpus: cpus().length,
      loadavg1: Number(loadavg()[0].toFixed(2)),
      at: new Date().toISOString(),
    };
    console.log(
      `full load, K = ${k}: ${timing.ms} ms from navigation to done (${timing.loadMs} ms of loading, ` +
        `${wallMs} ms wall), ${timing.items} items in ${pages} pages`,
    );
    recordTimings(timing);

    await screenshot(page, `load-k${k}.png`);
    assertNoProblems(problems);
    assert.deepEqual(problems.dialogs ?? [], []);
  });
}

// Against our API, and against one that answers as the original does (cursor ignored, ties shuffled, no /channels).
const APIS = [
  { name: '', args: [] },
  { name: ' (like the original)', args: ['--like-original'] },
];

for (const api of APIS) test(`Cancel stops every request at once; Resume finishes with the exact counts${api.name}`, async (t) => {
  const server = await extraServer(t, `latency${api.args.join('')}`, ['--latency-ms', '300', ...api.args]);
  const { page, problems } = await probedPage(t);
  await page.goto(wholeWindow(CHANNELS, { api: server.api }));

  await page.waitForFunction(() => Number(document.querySelector('[data-testid="items-loaded"]')?.textContent) > 0, null, {
    timeout: 30_000,
    polling: 20,
  });
  assert.equal(await status(page), 'loading', 'still loading when Cancel is clicked');
  await page.getByTestId('cancel').click();
  const requestsAtClick = pageRequests(problems).length;
  await waitForStatus(page, 'cancelled', { timeout: 5_000 });
  const items = await count(page, 'items-loaded');
  const pages = await count(page, 'pages-loaded');
  const total = [...expected(CHANNELS).values()].reduce((a, b) => a + b, 0);
  assert.ok(items > 0 && items < total, `cancelled part-way: ${items} of ${total}`);

  await page.waitForTimeout(1_000);
  assert.equal(await status(page), 'cancelled', 'still cancelled after 1 s');
  assert.equal(await count(page, 'items-loaded'), items, 'items-loaded unchanged 1 s after Cancel');
  assert.equal(await count(page, 'pages-loaded'), pages, 'pages-loaded unchanged 1 s after Cancel');
  assert.equal(pageRequests(problems).length, requestsAtClick, 'no GET /bitstamp after Cancel (as seen by the browser)');
  const late = await page.evaluate(() => {
    const click = window.__probe.clicks.find((c) => c.testid === 'cancel');
    return window.__probe.fetches.filter((f) => f.url.includes('/bitstamp?') && f.t >= click.t);
  });
  assert.deepEqual(late, [], 'no fetch of /bitstamp after the click (in-page)');
  assert.ok(await page.getByTestId('resume').isEnabled(), 'Resume is enabled');
  assert.ok(await page.getByTestId('cancel').isDisabled(), 'Cancel is disabled');
  await screenshot(page, 'load-cancelled.png');

  await page.getByTestId('resume').click();
  await waitForStatus(page, 'done', { timeout: DONE_TIMEOUT });
  await assertCounts(page, expected(CHANNELS));
  assert.equal(await progress(page), 100, 'progress');
  assert.ok(
    pageRequests(problems).every((url) => url.startsWith(`${server.api}/bitstamp?`)),
    'Resume continues against the same API',
  );

  // Cancel aborts the requests in flight: those are the only failures.
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  assert.ok(
    problems.failedRequests.every((r) => r.includes('/bitstamp?') && r.endsWith('net::ERR_ABORTED')),
    problems.failedRequests.join('\n'),
  );
});

for (const api of APIS) test(`retries injected faults (500, 429, dropped, truncated, slow) and loads the exact counts${api.name}`, async (t) => {
  const server = await extraServer(t, `faults${api.args.join('')}`, [
    '--fault-rate', '0.3', '--fault-seed', '7', '--fault-slow-ms', '1500', ...api.args,
  ]);
  const channels = ['live_trades_btcusd', 'live_orders_ethusd'];
  const { page, problems } = await probedPage(t);
  const started = Date.now();
  await page.goto(wholeWindow(channels, { api: server.api, k: 4 }));
  await waitForStatus(page, 'done', { timeout: DONE_TIMEOUT });
  console.log(`faults: done in ${Date.now() - started} ms, ${pageRequests(problems).length} requests`);

  await assertCounts(page, expected(channels));
  assert.equal(await progress(page), 100, 'progress');
  assert.equal(await messages(page), '', 'no message once done');
  const pages = await count(page, 'pages-loaded');
  const requests = pageRequests(problems).length;
  assert.ok(requests > pages, `faults were retried: ${requests} requests for ${pages} pages`);
  await screenshot(page, 'load-faults.png');

  // Failed requests are the point here; the page itself must not break.
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.ok(problems.failedRequests.length > 0, 'some requests failed');
  assert.ok(
    problems.failedRequests.every((r) => r.includes(`${server.api}/bitstamp?`)),
    problems.failedRequests.join('\n'),
  );
  // API Gateway's own 5xx and 429 answers carry no CORS headers: the browser reports those as CORS errors, and the
  // dashboard retries them as network errors.
  const expectedErrors = api.args.length ? /Failed to load resource|net::ERR_|blocked by CORS policy/ : /Failed to load resource|net::ERR_/;
  assert.ok(
    problems.consoleErrors.every((e) => expectedErrors.test(e)),
    problems.consoleErrors.join('\n'),
  );
});

for (const k of [1, 4]) {
  test(`pages by time when the API ignores the cursor, K = ${k}: exact counts`, async (t) => {
    const server = await extraServer(t, `ignore-cursor-k${k}`, ['--ignore-cursor']);
    const channels = ['live_orders_btcusd', 'live_trades_ethusd'];
    const { page, problems } = await probedPage(t);
    const started = Date.now();
    await page.goto(wholeWindow(channels, { api: server.api, k }));
    await waitForStatus(page, 'done', { timeout: DONE_TIMEOUT });
    console.log(`ignore-cursor, K = ${k}: done in ${Date.now() - started} ms, ${pageRequests(problems).length} requests`);

    await assertCounts(page, expected(channels));
    assert.equal(await progress(page), 100, 'progress');
    assert.equal(await messages(page), '', 'no message');
    await screenshot(page, `load-ignore-cursor-k${k}.png`);
    assertNoProblems(problems);
  });
}

test('shows which channel failed when retries run out, and offers Resume', async (t) => {
  const server = await extraServer(t, 'fail', ['--fault-rate', '1', '--fault-kinds', '500']);
  const channel = 'live_trades_ethusd';
  const { page, problems } = await probedPage(t);
  await page.goto(wholeWindow([channel], { api: server.api, k: 1 }));
  await waitForStatus(page, 'error', { timeout: 60_000 });

  const box = page.getByTestId('error-message');
  assert.ok(await box.isVisible(), 'error-message visible');
  const text = await box.textContent();
  assert.ok(text.includes(channel), `the message names the channel: ${text}`);
  assert.match(text, /500/, `the message gives the reason: ${text}`);
  assert.equal(await count(page, 'items-loaded'), 0, 'nothing loaded');
  assert.ok(await page.getByTestId('resume').isEnabled(), 'Resume is enabled');
  assert.ok(await page.getByTestId('load').isEnabled(), 'Load is enabled');
  await screenshot(page, 'load-error.png');

  // Resume tries again, against the same API.
  const before = pageRequests(problems).length;
  await page.getByTestId('resume').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === 'loading', null, {
    timeout: 5_000,
    polling: 20,
  });
  await page.getByTestId('cancel').click();
  await waitForStatus(page, 'cancelled', { timeout: 5_000 });
  const retried = pageRequests(problems).slice(before);
  assert.ok(retried.length > 0, 'Resume sent requests');
  assert.ok(retried.every((url) => url.startsWith(`${server.api}/bitstamp?channel=${channel}&`)), retried.join('\n'));

  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.dialogs ?? [], []);
});

test('a garbage link renders with warnings, runs no script, and loads what is valid', async (t) => {
  const { page, problems } = await probedPage(t);
  await page.goto(
    `${baseUrl()}/?ch=nope,live_trades_btcusd&from=yesterday&to=99999999999999999999999&k=99&tz=mars&api=javascript:alert(1)`,
  );
  const box = page.getByTestId('error-message');
  await box.waitFor({ timeout: 30_000 });
  const text = await box.textContent();
  for (const bad of ['nope', 'yesterday', '99999999999999999999999', '99', 'mars', 'javascript:alert(1)']) {
    assert.ok(text.includes(bad), `the message quotes ${bad}: ${text}`);
  }
  assert.ok(await page.getByRole('heading', { name: 'Tickscope' }).isVisible(), 'heading');
  assert.ok(await page.getByTestId('load').isVisible(), 'controls');
  // What is valid is used: live_trades_btcusd over the default range, from the default API.
  assert.equal(await page.getByTestId('api').inputValue(), apiUrl(), 'the default API');
  assert.equal(await page.getByTestId('segments').inputValue(), '', 'K planned from the data (auto)');
  assert.ok(await page.getByTestId('tz-utc').isChecked(), 'UTC');
  assert.ok(await page.getByTestId('pick-live_trades_btcusd').isChecked(), 'the valid channel is picked');
  assert.ok(STATUSES.includes(await status(page)), `status is a status: ${await status(page)}`);
  await waitForStatus(page, 'done', { timeout: DONE_TIMEOUT });
  await assertCounts(page, expected(['live_trades_btcusd']));
  await screenshot(page, 'link-garbage.png');

  assert.deepEqual(problems.dialogs ?? [], [], 'no dialog');
  assertNoProblems(problems);
  assert.ok(problems.requests.every((url) => url.startsWith(`${baseUrl()}/`)), problems.requests.join('\n'));
});

test('HTML in the link is shown as text, never injected', async (t) => {
  const { page, problems } = await probedPage(t);
  const img = (n) => `<img src=x onerror=alert(${n})>`;
  const params = new URLSearchParams([
    ['ch', `${img(1)},live_trades_ethusd`],
    ['from', img(2)],
    ['to', `"><svg onload=alert(3)>`],
    ['tz', img(4)],
    ['k', img(5)],
    ['api', `http://127.0.0.1/${img(6)}`],
    [img(7), '<b>bold</b>'],
  ]);
  await page.goto(`${baseUrl()}/?${params}`);
  const box = page.getByTestId('error-message');
  await box.waitFor({ timeout: 30_000 });
  await waitForStatus(page, 'done', { timeout: DONE_TIMEOUT });
  const text = await box.textContent();
  for (const n of [1, 2, 4, 5, 6]) assert.ok(text.includes(img(n)), `${img(n)} shown as text: ${text}`);
  assert.ok(text.includes('<svg onload=alert(3)>'), `the svg shown as text: ${text}`);
  assert.equal(await page.locator('img, [onerror], [onload]').count(), 0, 'no element from the link');
  assert.equal(await page.locator('b', { hasText: 'bold' }).count(), 0, 'no <b> from the link');
  await assertCounts(page, expected(['live_trades_ethusd']));
  await screenshot(page, 'link-html.png');

  assert.deepEqual(problems.dialogs ?? [], [], 'no dialog');
  assertNoProblems(problems);
});

test('Copy link gives a link that reloads the same view', async (t) => {
  const { context, page, problems } = await probedPage(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  const channel = 'live_trades_ethusd';
  await page.goto(`${baseUrl()}/`);
  // A first visit picks every channel the API lists: keep one.
  await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.checked, `pick-${channel}`);
  for (const other of CHANNELS.filter((c) => c !== channel)) await page.getByTestId(`pick-${other}`).uncheck();
  // 15 minutes from the start of the data, typed as ISO 8601 and as µs.
  const from = data.from + 30 * 60_000_000;
  const to = from + 15 * 60_000_000;
  await page.getByTestId('from').fill(new Date(from / 1000).toISOString());
  await page.getByTestId('from').press('Tab');
  await page.getByTestId('to').fill(String(to));
  await page.getByTestId('to').press('Tab');
  assert.equal(await page.getByTestId('from-us').textContent(), String(from), 'from-us');
  assert.equal(await page.getByTestId('to-us').textContent(), String(to), 'to-us');
  await page.getByTestId('load').click();
  await waitForStatus(page, 'done', { timeout: DONE_TIMEOUT });
  const items = await count(page, 'items-loaded');
  assert.ok(items > 0, `${items} items in 15 min`);

  await page.getByTestId('copy-link').click();
  const copied = page.getByTestId('copied');
  await page.waitForFunction(() => document.querySelector('[data-testid="copied"]')?.textContent?.trim(), null, {
    timeout: 5_000,
  });
  const note = (await copied.textContent()).trim();
  const link = note.includes('Link copied')
    ? await page.evaluate(() => navigator.clipboard.readText())
    : note.replace(/^.*?(https?:\/\/\S+).*$/, '$1');
  console.log(`copied: ${note} → ${link}`);
  assert.ok(link.startsWith(`${baseUrl()}/?`), `a link to the dashboard: ${link}`);
  const query = new URL(link).searchParams;
  assert.equal(query.get('ch'), channel, 'ch');
  assert.equal(page.url(), link, 'the address bar shows the same link');

  const second = await context.newPage();
  const secondProblems = [];
  second.on('pageerror', (e) => secondProblems.push(String(e)));
  second.on('console', (m) => m.type() === 'error' && secondProblems.push(m.text()));
  await second.goto(link);
  await waitForStatus(second, 'done', { timeout: DONE_TIMEOUT });
  assert.equal(await count(second, 'items-loaded'), items, 'the same items-loaded');
  assert.equal(await count(second, `items-${channel}`), items, `the same items-${channel}`);
  assert.equal(await second.getByTestId('from-us').textContent(), String(from), 'from-us');
  assert.equal(await second.getByTestId('to-us').textContent(), String(to), 'to-us');
  await screenshot(second, 'copy-link.png');

  assertNoProblems(problems);
  assert.deepEqual(secondProblems, []);
});
