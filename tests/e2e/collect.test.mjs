// The collector end to end: `serve --collect` records the exchange simulator into a fresh SQLite file while it
// answers, and the dashboard loads exactly what was collected; /prod/collector and /prod/gaps say what happened.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNoProblems, defer, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { startCollecting } from './lib/collector.mjs';
import { CHANNELS, assertCounts, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('the dashboard loads what serve --collect recorded from the exchange simulator', async (t) => {
  const { simulator, server } = await startCollecting(t, { simArgs: ['--speed', '20', '--seed', '5'] });
  await sleep(8_000);
  // The simulator stops: the counts stop growing, and every channel's gap opens.
  await simulator.stop();
  await sleep(1_000);

  const { channels } = await fetchChannels(server.api);
  const counts = new Map(CHANNELS.map((channel) => [channel, channels.get(channel)?.count ?? 0]));
  for (const [channel, n] of counts) assert.ok(n > 0, `${channel} collected ${n} items`);
  const from = Math.min(...CHANNELS.map((c) => channels.get(c).first));
  const to = Math.max(...CHANNELS.map((c) => channels.get(c).last));

  const status = await (await fetch(`${server.api}/collector`)).json();
  for (const [channel, n] of counts) assert.equal(status.channels[channel].written, n, `${channel} written`);
  assert.equal(status.connections, 0, 'the simulator is gone');
  const gaps = await (await fetch(`${server.api}/gaps?channel=live_trades_btcusd&from=${from}&to=${Number.MAX_SAFE_INTEGER}`)).json();
  assert.equal(gaps.gaps.length, 1, JSON.stringify(gaps));
  assert.equal(gaps.gaps[0].open, true, 'the gap lasts while the simulator is down');

  const browser = await launchBrowser();
  defer(t, () => browser.close());
  const { page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: CHANNELS, from, to, api: server.api }, server.url));
  await waitForStatus(page, 'done');
  await assertCounts(page, counts);
  await page.getByTestId('chart-price-live_trades_btcusd').locator('canvas').first().waitFor();
  await screenshot(page, 'collected.png');
  assertNoProblems(problems);
});
