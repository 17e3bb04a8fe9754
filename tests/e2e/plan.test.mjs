// How a load plans its requests: as many in flight as the API's protocol carries (48 over HTTP/2, 6 over
// HTTP/1.1, read from Resource Timing, whatever the scheme), `inflight=` in the link over either, and a first
// round sized from `/channels` counts when the dashboard has them. Every load still ends with the exact counts.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, defer, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import { CHANNELS, assertCounts, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';
import { startServer } from './lib/server.mjs';
import { selfSignedCert } from './lib/tls.mjs';

const tls = selfSignedCert(mkdtempSync(path.join(tmpdir(), 'tickscope-plan-tls-')));
// Latency keeps each request open long enough for requests sent together to overlap.
const LATENCY = ['--latency-ms', '200'];

let browser;
/** Chromium that never speaks HTTP/2: HTTP/1.1 over TLS, so the scheme alone cannot tell the protocol. */
let http1Browser;
let https;
let http;
let data;
before(async () => {
  data = await fetchChannels(apiUrl());
  https = await startServer({ args: [...tls, ...LATENCY], log: outPath('server-plan-https.log') });
  http = await startServer({ args: LATENCY, log: outPath('server-plan-http.log') });
  browser = await launchBrowser(['--ignore-certificate-errors']);
  http1Browser = await launchBrowser(['--ignore-certificate-errors', '--disable-http2']);
});
after(async () => {
  await Promise.all([browser?.close(), http1Browser?.close()]);
  await Promise.all([https?.stop(), http?.stop()]);
});

const everything = () => new Map(CHANNELS.map((c) => [c, data.channels.get(c).count]));

/** A page that keeps every Resource Timing entry (the default buffer holds 250). */
async function timedPage(t, on = browser) {
  const opened = await newPage(on, { ignoreHTTPSErrors: true });
  await opened.page.addInitScript(() => performance.setResourceTimingBufferSize(100_000));
  defer(t, () => opened.context.close());
  return opened;
}

/** The page requests of GET /bitstamp (not the empty-range probe): channel, start, end, protocol. */
function pageRequests(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/bitstamp?') && !e.name.includes('&from=0&to=0'))
      .map((e) => ({
        channel: new URL(e.name).searchParams.get('channel'),
        start: e.startTime,
        end: e.responseEnd,
        protocol: e.nextHopProtocol,
      })),
  );
}

/** The most requests open at one moment. */
function mostOpen(requests) {
  return Math.max(...requests.map((r) => requests.filter((q) => q.start <= r.start && q.end > r.start).length));
}

test('over HTTP/2 a planned load keeps up to 48 requests in flight', async (t) => {
  const { page, problems } = await timedPage(t);
  await page.goto(dashboardUrl({ ch: CHANNELS, from: data.from, to: data.to }, https.url));
  await waitForStatus(page, 'done', { timeout: 120_000 });
  await assertCounts(page, everything());
  const requests = await pageRequests(page);
  assert.deepEqual([...new Set(requests.map((r) => r.protocol))], ['h2']);
  const open = mostOpen(requests);
  assert.ok(open > 16 && open <= 48, `${open} requests open at once`);
  await screenshot(page, 'plan-h2.png');
  assertNoProblems(problems);
});

test('over HTTP/1.1 (even over TLS) a planned load keeps no more than 6 requests in flight', async (t) => {
  const { page, problems } = await timedPage(t, http1Browser);
  await page.goto(dashboardUrl({ ch: CHANNELS, from: data.from, to: data.to }, https.url));
  await waitForStatus(page, 'done', { timeout: 180_000 });
  await assertCounts(page, everything());
  const requests = await pageRequests(page);
  assert.deepEqual([...new Set(requests.map((r) => r.protocol))], ['http/1.1']);
  const open = mostOpen(requests);
  assert.ok(open >= 5 && open <= 6, `${open} requests open at once`);
  assertNoProblems(problems);
});

test('inflight= in the link caps the requests in flight, and stays in the link', async (t) => {
  const { page, problems } = await timedPage(t);
  const channels = ['live_trades_ethusd', 'live_orders_ethusd'];
  await page.goto(dashboardUrl({ ch: channels, from: data.from, to: data.to, inflight: 3 }, http.url));
  await waitForStatus(page, 'done', { timeout: 180_000 });
  await assertCounts(page, new Map(channels.map((c) => [c, data.channels.get(c).count])));
  assert.ok(mostOpen(await pageRequests(page)) <= 3, 'at most 3 open at once');
  assert.equal(await page.getByTestId('in-flight').inputValue(), '3');
  assert.equal(new URL(page.url()).searchParams.get('inflight'), '3');
  assertNoProblems(problems);
});

test('with the counts of /channels, the first round is sized by each channel’s items', async (t) => {
  const { page, problems } = await timedPage(t);
  // A first visit lists the channels (and their counts), picks them all over the data window; then Load.
  await page.goto(`${https.url}/`);
  await page.getByTestId('pick-live_orders_btcusd').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="load"]')?.disabled);
  await page.getByTestId('load').click();
  await waitForStatus(page, 'done', { timeout: 120_000 });
  await assertCounts(page, everything());
  const requests = await pageRequests(page);
  // The first round: the requests sent before any page had come back.
  const firstAnswer = Math.min(...requests.map((r) => r.end));
  const first = requests.filter((r) => r.start < firstAnswer);
  assert.ok(first.length > 16 && first.length <= 48, `${first.length} requests in the first round`);
  const inFirst = (channel) => first.filter((r) => r.channel === channel).length;
  const [dense, sparse] = ['live_orders_btcusd', 'live_trades_ethusd'];
  assert.ok(data.channels.get(dense).count > 2 * data.channels.get(sparse).count, 'the demo data differ in density');
  assert.ok(inFirst(dense) > inFirst(sparse), `${dense} ${inFirst(dense)}, ${sparse} ${inFirst(sparse)} in the first round`);
  assertNoProblems(problems);
});
