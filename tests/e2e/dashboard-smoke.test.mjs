// The dashboard loads from the server, lists the four channels with the API's counts, and shows an error message
// (not a blank page) when the API cannot be reached.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, baseUrl, launchBrowser, newPage, outPath } from './lib/browser.mjs';

const CHANNELS = ['live_trades_btcusd', 'live_trades_ethusd', 'live_orders_btcusd', 'live_orders_ethusd'];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('lists the four channels with the counts of GET /prod/channels', async () => {
  const response = await fetch(`${apiUrl()}/channels`);
  assert.equal(response.status, 200);
  const body = await response.json();
  const counts = new Map(body.channels.map((c) => [c.channel, c.count]));
  assert.deepEqual([...counts.keys()].sort(), [...CHANNELS].sort(), 'channels of the API');

  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await newPage(browser, { colorScheme });
    await page.goto(`${baseUrl()}/`);
    await page.getByRole('heading', { name: 'Tickscope' }).waitFor();
    assert.equal(await page.getByTestId('api-base').textContent(), apiUrl());

    for (const channel of CHANNELS) {
      const row = page.getByTestId(`channel-${channel}`);
      await row.waitFor({ timeout: 30_000 });
      assert.equal(await row.getAttribute('data-count'), String(counts.get(channel)), `${channel} count`);
      const shown = await row.locator('.channel-count').textContent();
      assert.equal(shown.replaceAll(',', ''), String(counts.get(channel)), `${channel} count as shown`);
    }
    assert.equal(await page.getByTestId('error-message').count(), 0);

    // ECharts comes from our own server, as a global for the wasm app.
    assert.equal(await page.evaluate(() => typeof window.echarts?.init), 'function');
    assert.ok(problems.requests.includes(`${baseUrl()}/echarts.min.js`), 'echarts.min.js served by us');
    assert.ok(
      problems.requests.every((url) => url.startsWith(`${baseUrl()}/`) || url.startsWith('data:')),
      `only local requests: ${problems.requests.join(', ')}`,
    );

    await page.screenshot({ path: outPath(colorScheme === 'light' ? 'dashboard.png' : 'dashboard-dark.png') });
    assertNoProblems(problems);
    await context.close();
  }
});

test('shows an error message when the API cannot be reached', async () => {
  const closedPort = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const deadApi = `http://127.0.0.1:${closedPort}/prod`;

  const { context, page, problems } = await newPage(browser);
  await page.goto(`${baseUrl()}/?api=${encodeURIComponent(deadApi)}`);
  const error = page.getByTestId('error-message');
  await error.waitFor({ timeout: 30_000 });
  assert.match(await error.textContent(), /could not be reached/);
  assert.equal(await page.getByTestId('api-base').textContent(), deadApi);
  assert.ok(await page.getByRole('heading', { name: 'Tickscope' }).isVisible());
  await page.screenshot({ path: outPath('dashboard-error.png') });

  // The failed fetch is the only problem.
  assert.deepEqual(problems.pageErrors, []);
  assert.ok(problems.failedRequests.length > 0);
  assert.ok(problems.failedRequests.every((r) => r.includes(deadApi)), problems.failedRequests.join('\n'));
  assert.ok(problems.consoleErrors.every((e) => /ERR_CONNECTION_REFUSED|Failed to fetch/.test(e)), problems.consoleErrors.join('\n'));
  await context.close();
});
