// The chain beyond one machine, against dynalite on 127.0.0.1: create the table, import a channel's items, take
// `nmicrotimestamp` off half of them (as the original pipeline first wrote them: invisible to the GSI), migrate,
// serve the API on the DynamoDB store, and load the dashboard from a plain static server under a sub-path with its
// data from that API.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apiUrl, assertNoProblems, defer, launchBrowser, newPage, outPath } from './lib/browser.mjs';
import { allItems, closedPort, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';
import { serverBin, startServer } from './lib/server.mjs';
import { serveUnderPrefix } from './lib/static.mjs';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// dynalite takes any credentials; the AWS SDK wants some.
const AWS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };

/** UpdateItem … REMOVE nmicrotimestamp for each item, straight to dynalite (which takes any signature). */
async function removeNumericTimestamps(port, items) {
  const headers = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.UpdateItem',
    'x-amz-date': '20261124T000000Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=local/20261124/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
  };
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.pop(); item; item = queue.pop()) {
      const body = JSON.stringify({
        TableName: 'bitstamp-live',
        Key: { id: { N: String(item.id) }, microtimestamp: { S: item.microtimestamp } },
        UpdateExpression: 'REMOVE nmicrotimestamp',
      });
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body });
      assert.equal(response.status, 200, await response.text());
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

test('import, migrate, serve on DynamoDB, and load from a static host under a sub-path', async (t) => {
  const channel = 'live_trades_ethusd';
  const port = await closedPort();
  const dynalite = spawn(
    process.execPath,
    [path.join(root, 'node_modules/dynalite/cli.js'), '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'],
    { stdio: 'ignore' },
  );
  defer(t, () => dynalite.kill('SIGKILL'));
  const endpoint = ['--endpoint-url', `http://127.0.0.1:${port}`];
  const cli = (...args) => run(serverBin(), [...endpoint, ...args], { env: { ...process.env, ...AWS }, cwd: root });
  // dynalite listens within a moment of starting.
  for (let attempt = 1; ; attempt++) {
    try {
      await cli('dynamodb', 'create-table');
      break;
    } catch (error) {
      if (attempt === 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const file = outPath('chain.ndjson');
  writeFileSync(file, items.map((item) => JSON.stringify(item)).join('\n'));
  const imported = await cli('import', file, '--store', 'dynamodb');
  assert.match(imported.stdout, new RegExp(`\\b${items.length}\\b`), imported.stdout);
  await removeNumericTimestamps(port, items.filter((_, i) => i % 2));
  const migrated = await cli('dynamodb', 'migrate');
  const missing = Math.floor(items.length / 2);
  assert.match(migrated.stdout, new RegExp(`${missing} found without nmicrotimestamp, ${missing} updated`), migrated.stdout);

  const api = await startServer({ args: [...endpoint, '--store', 'dynamodb'], env: AWS, log: outPath('server-dynamodb.log') });
  defer(t, () => api.stop());
  const host = await serveUnderPrefix('/tickscope/');
  defer(t, () => host.close());
  const browser = await launchBrowser();
  defer(t, () => browser.close());
  const { page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, api: api.api }, `${host.url}/tickscope`));
  await waitForStatus(page, 'done');
  assert.equal(Number(await page.getByTestId(`items-${channel}`).textContent()), items.length);
  await page.getByTestId(`chart-price-${channel}`).locator('canvas').first().waitFor();
  assertNoProblems(problems);
});
