// The collector end to end: `serve --collect` records the exchange simulator into a fresh SQLite file while it
// answers, and the dashboard loads exactly what was collected; /prod/collector and /prod/gaps say what happened.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { assertNoProblems, defer, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import { CHANNELS, assertCounts, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';
import { serverBin, startServer } from './lib/server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `tickscope-server exchange-sim` on a free port; resolves with its ws:// URL and process. */
async function startSimulator(args) {
  const child = spawn(serverBin(), ['exchange-sim', '--addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('exchange-sim exited before listening')));
  });
  return { child, url: line.replace('listening on ', '').trim() };
}

test('the dashboard loads what serve --collect recorded from the exchange simulator', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tickscope-collect-'));
  const db = path.join(dir, 'collect.db');
  // A store that is not empty, so that `serve` does not generate the demo data into it.
  const other = path.join(dir, 'other.ndjson');
  writeFileSync(other, '{"id":1,"microtimestamp":"1000","price":1,"channel":"live_trades_xrpusd"}\n');
  execFileSync(serverBin(), ['import', other, '--db', db], { stdio: 'ignore' });

  const simulator = await startSimulator(['--speed', '20', '--seed', '5']);
  defer(t, () => simulator.child.kill('SIGKILL'));
  const server = await startServer({ db, args: ['--collect', '--ws-url', simulator.url], log: outPath('server-collect.log') });
  defer(t, () => server.stop());
  await sleep(8_000);
  // The simulator stops: the counts stop growing, and every channel's gap opens.
  simulator.child.kill('SIGTERM');
  await new Promise((resolve) => simulator.child.once('exit', resolve));
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
