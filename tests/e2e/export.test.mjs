// Exports: the CSV download of a channel holds exactly the loaded items with their original field names and
// values; a chart's PNG download is a PNG image.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage } from './lib/browser.mjs';
import { allItems, dashboardUrl, fetchChannels, waitForStatus } from './lib/dashboard.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Clicks the element with `data-testid=testid` and returns the downloaded file's name and bytes. */
async function download(page, testid) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** CSV text (no quoted fields: the exports hold none) → array of objects by header name. */
function parseCsv(text) {
  const [header, ...lines] = text.trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

test('the CSV of each channel holds exactly the loaded items, with their original fields', async () => {
  const channels = ['live_trades_ethusd', 'live_orders_btcusd'];
  const { from, to } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: channels, from, to, k: 4 }));
  await waitForStatus(page, 'done');

  for (const channel of channels) {
    const want = await allItems(channel, from, to);
    const { name, bytes } = await download(page, `export-csv-${channel}`);
    assert.match(name, new RegExp(`^${channel}-${from}-${to}\\.csv$`));
    const rows = parseCsv(bytes.toString('utf8'));
    const side = channel.includes('trades') ? 'type' : 'order_type';
    const fields = ['id', 'microtimestamp', 'nmicrotimestamp', 'channel', 'event', 'price', 'amount', side];
    if (channel.includes('trades')) fields.push('buy_order_id', 'sell_order_id');
    assert.deepEqual(Object.keys(rows[0]), fields, `${channel} header`);
    assert.equal(rows.length, want.length, `${channel} rows`);
    rows.forEach((row, i) => {
      const item = want[i];
      for (const field of fields) {
        const numeric = !['microtimestamp', 'channel', 'event'].includes(field);
        const got = numeric ? Number(row[field]) : row[field];
        assert.equal(got, item[field], `${channel} row ${i + 1} ${field}`);
      }
    });
  }
  assertNoProblems(problems);
  await context.close();
});

test('a chart downloads as a PNG image', async () => {
  const channel = 'live_trades_btcusd';
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel] }));
  await waitForStatus(page, 'done');
  const { name, bytes } = await download(page, `export-png-chart-price-${channel}`);
  assert.equal(name, `chart-price-${channel}.png`);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  // At pixelRatio 2 the image is twice the chart's size: IHDR width and height.
  const box = await page.getByTestId(`chart-price-${channel}`).boundingBox();
  assert.equal(bytes.readUInt32BE(16), Math.round(box.width) * 2, 'width');
  assert.ok(bytes.length > 20_000, `${bytes.length} bytes: a drawn chart, not an empty canvas`);
  assertNoProblems(problems);
  await context.close();
});
