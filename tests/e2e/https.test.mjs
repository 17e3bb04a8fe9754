// HTTPS: `serve --tls-cert --tls-key` answers over HTTP/2 (and HTTP/1.1 for clients that ask for it), as API
// Gateway does. Over HTTP/2 the dashboard's parallel segments are all in flight at once; over plain HTTP/1.1 Chromium
// opens at most 6 connections to one host and queues the rest.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import { CHANNELS, assertCounts, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';
import { distDir, serverBin, startServer } from './lib/server.mjs';
import { selfSignedCert } from './lib/tls.mjs';

const tls = selfSignedCert(mkdtempSync(path.join(tmpdir(), 'tickscope-tls-')));

let browser;
let server;
let data;
before(async () => {
  data = await fetchChannels(apiUrl());
  // Latency keeps every request of a round open for 300 ms, so requests sent together overlap in time.
  server = await startServer({ args: [...tls, '--latency-ms', '300'], log: outPath('server-https.log') });
  browser = await launchBrowser(['--ignore-certificate-errors']);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** GET `path` over HTTP/2 with node's client (the certificate is self-signed): status, headers, body, protocol. */
function h2get(origin, path) {
  return new Promise((resolve, reject) => {
    const client = http2.connect(origin, { rejectUnauthorized: false });
    client.on('error', reject);
    const request = client.request({ ':path': path, origin: 'https://elsewhere.example' });
    const chunks = [];
    let headers;
    request.on('response', (h) => (headers = h));
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => {
      const alpn = client.alpnProtocol;
      client.close();
      resolve({ status: headers[':status'], headers, body: Buffer.concat(chunks).toString(), alpn });
    });
    request.end();
  });
}

/** GET `url` over HTTPS with HTTP/1.1 only (ALPN offers nothing else). */
function h1get(url) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, version: response.httpVersion, body: Buffer.concat(chunks).toString() }),
        );
      })
      .on('error', reject);
  });
}

test('the API answers over HTTP/2 and HTTP/1.1 with TLS, errors included', async () => {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/, 'the banner says https');
  const channels = await h2get(server.url, '/prod/channels');
  assert.equal(channels.alpn, 'h2');
  assert.equal(channels.status, 200);
  const listed = JSON.parse(channels.body).channels;
  assert.deepEqual(
    listed.map((c) => [c.channel, c.count]),
    [...data.channels.values()].map((c) => [c.channel, c.count]),
    'the same store as over plain HTTP',
  );

  const bad = await h2get(server.url, '/prod/bitstamp?channel=live_trades_btcusd&from=soon&to=1');
  assert.equal(bad.status, 400);
  assert.equal(bad.headers['access-control-allow-origin'], '*');
  assert.match(JSON.parse(bad.body).message, /from/);

  const old = await h1get(`${server.url}/prod/channels`);
  assert.equal(old.version, '1.1');
  assert.equal(old.status, 200);
  assert.deepEqual(JSON.parse(old.body).channels, listed);
});

test('the dashboard over HTTPS loads every channel over HTTP/2 with all segments in flight at once', async () => {
  const { page, problems } = await newPage(browser, { ignoreHTTPSErrors: true });
  await page.goto(dashboardUrl({ ch: CHANNELS, from: data.from, to: data.to, k: 4, tz: 'utc' }, server.url));
  await page.evaluate(() => performance.setResourceTimingBufferSize(10_000));
  await waitForStatus(page, 'done', { timeout: 300_000 });
  await assertCounts(page, new Map(CHANNELS.map((c) => [c, data.channels.get(c).count])));

  const pages = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/bitstamp?'))
      .map((e) => ({ start: e.startTime, end: e.responseEnd, protocol: e.nextHopProtocol })),
  );
  assert.ok(pages.length >= 100, `${pages.length} pages`);
  assert.deepEqual([...new Set(pages.map((p) => p.protocol))], ['h2']);
  // The most requests open at one moment: more than HTTP/1.1's 6 connections allow (16 segments start together).
  const open = Math.max(...pages.map((p) => pages.filter((q) => q.start <= p.start && q.end > p.start).length));
  assert.ok(open > 6, `at most ${open} requests were open at once`);
  await screenshot(page, 'https.png');
  assertNoProblems(problems);
});

test('serve explains a missing certificate or key and does not start', () => {
  const serve = (args) =>
    spawnSync(serverBin(), ['serve', '--addr', '127.0.0.1:0', '--db', process.env.TICKSCOPE_DB, '--dist', distDir(), ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });
  const missing = serve(['--tls-cert', '/nonexistent/cert.pem', '--tls-key', tls[3]]);
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /cannot read the certificate \/nonexistent\/cert\.pem/);
  assert.doesNotMatch(missing.stdout, /listening/);

  const swapped = serve(['--tls-cert', tls[3], '--tls-key', tls[1]]);
  assert.equal(swapped.status, 1, swapped.stderr);
  assert.match(swapped.stderr, /error: /);

  const alone = serve(['--tls-cert', tls[1]]);
  assert.equal(alone.status, 2, 'a usage error');
  assert.match(alone.stderr, /--tls-key/);
});
