// The dashboard loads from the server, offers the four channels with the API's counts, picked, over the whole
// data window (one click on Load shows charts), and still renders its controls (the four known channels, no
// counts) when the API cannot be reached.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, baseUrl, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { CHANNELS, closedPort, fetchChannels } from './lib/dashboard.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The label around the `pick-<channel>` checkbox: the channel's name and, when the API listed it, its count. */
function channelLabel(page, channel) {
  return page.locator('label', { has: page.getByTestId(`pick-${channel}`) });
}

/** Fails unless the controls are there: heading, checkboxes of the four channels, time range, buttons. */
async function assertControls(page) {
  assert.ok(await page.getByRole('heading', { name: 'Tickscope' }).isVisible(), 'heading');
  for (const channel of CHANNELS) {
    const box = page.getByTestId(`pick-${channel}`);
    await box.waitFor({ timeout: 30_000 });
    assert.equal(await box.getAttribute('type'), 'checkbox', `pick-${channel} is a checkbox`);
    assert.match(await channelLabel(page, channel).textContent(), new RegExp(channel), `${channel} named`);
  }
  for (const testid of ['from', 'to', 'tz-utc', 'tz-local', 'segments', 'in-flight', 'preset-all', 'api', 'load', 'cancel', 'resume', 'copy-link']) {
    assert.ok(await page.getByTestId(testid).isVisible(), `${testid} visible`);
  }
  assert.equal((await page.getByTestId('status').textContent()).trim(), 'idle', 'status');
  assert.equal(await page.getByTestId('items-loaded').textContent(), '0', 'items-loaded');
}

test('a first visit offers the four channels with the counts of GET /prod/channels, picked, over the data window', async () => {
  const { channels, from, to } = await fetchChannels(apiUrl());
  assert.deepEqual([...channels.keys()].sort(), [...CHANNELS].sort(), 'channels of the API');

  for (const colorScheme of ['light', 'dark']) {
    const { context, page, problems } = await newPage(browser, { colorScheme });
    await page.goto(`${baseUrl()}/`);
    await page.getByRole('heading', { name: 'Tickscope' }).waitFor();
    assert.equal(await page.getByTestId('api').inputValue(), apiUrl(), 'the default API base is ours');

    for (const channel of CHANNELS) {
      // The counts arrive with GET /channels, after the first render, grouped for reading.
      const want = channels.get(channel).count.toLocaleString('en-US');
      const label = channelLabel(page, channel);
      await label.filter({ hasText: want }).waitFor({ timeout: 30_000 });
      assert.match(await label.textContent(), new RegExp(`${channel}\\s+${want} items`), `${channel} with its count`);
      await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.checked, `pick-${channel}`);
    }
    await assertControls(page);
    // The whole data window is set and Load is ready; a short line says what to do.
    assert.equal(await page.getByTestId('from-us').textContent(), String(from), 'from: the data window');
    assert.equal(await page.getByTestId('to-us').textContent(), String(to), 'to: the data window');
    assert.equal(await page.getByTestId('load').isEnabled(), true, 'Load is enabled');
    assert.match(await page.getByTestId('hint').textContent(), /Load/);

    // ECharts comes from our own server, as a global for the wasm app.
    assert.equal(await page.evaluate(() => typeof window.echarts?.init), 'function');
    assert.ok(
      problems.requests.some((url) => /^\/echarts-[0-9a-f]+\.js$/.test(url.slice(baseUrl().length))),
      'the ECharts bundle served by us under a hashed name',
    );
    assert.ok(
      problems.requests.every((url) => url.startsWith(`${baseUrl()}/`) || url.startsWith('data:')),
      `only local requests: ${problems.requests.join(', ')}`,
    );

    await screenshot(page, colorScheme === 'light' ? 'dashboard.png' : 'dashboard-dark.png');
    assertNoProblems(problems);
    await context.close();
  }
});

test('renders its controls with the four known channels when the API cannot be reached', async () => {
  const deadApi = `http://127.0.0.1:${await closedPort()}/prod`;

  const { context, page, problems } = await newPage(browser);
  await page.goto(`${baseUrl()}/?api=${encodeURIComponent(deadApi)}`);
  await page.getByRole('heading', { name: 'Tickscope' }).waitFor();
  assert.equal(await page.getByTestId('api').inputValue(), deadApi, 'the API base of the link');
  // Wait for the API's first request (the probe for /channels) to have failed, then check that the page is whole.
  await waitForFailedChannels(problems, deadApi);
  await assertControls(page);
  for (const channel of CHANNELS) {
    assert.doesNotMatch(await channelLabel(page, channel).textContent(), /\d+ items/, `${channel}: no count`);
  }
  assert.ok((await page.locator('body').innerText()).length > 100, 'not a blank page');
  await screenshot(page, 'dashboard-error.png');

  // The failed fetch of /channels is the only problem.
  assert.deepEqual(problems.pageErrors, []);
  assert.ok(problems.failedRequests.length > 0);
  assert.ok(problems.failedRequests.every((r) => r.includes(deadApi)), problems.failedRequests.join('\n'));
  assert.ok(
    problems.consoleErrors.every((e) => /ERR_CONNECTION_REFUSED|Failed to fetch/.test(e)),
    problems.consoleErrors.join('\n'),
  );
  await context.close();
});

async function waitForFailedChannels(problems, deadApi, timeout = 30_000) {
  const until = Date.now() + timeout;
  while (!problems.failedRequests.some((r) => r.includes(`${deadApi}/bitstamp?`))) {
    if (Date.now() > until) throw new Error(`GET ${deadApi}/bitstamp did not fail within ${timeout / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
