// Time and sales: the tape of a trades channel shows every trade of the visible window, newest first, as the API
// has them; the minimum-size filter leaves out the smaller ones (a bad size is said so); only the rows in sight
// exist; following live, new trades arrive at the top.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage, screenshot } from './lib/browser.mjs';
import { startCollecting } from './lib/collector.mjs';
import { allItems, dashboardUrl, fetchChannels, iso, waitForStatus } from './lib/dashboard.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The window's trades, newest first by (nmicrotimestamp, id), as the tape's rows carry them. */
function tapeOf(items, [from, to], min = 0) {
  return items
    .filter((i) => i.event === 'trade' && from <= i.nmicrotimestamp && i.nmicrotimestamp <= to)
    .filter((i) => Number(i.amount) >= min)
    .sort((a, b) => b.nmicrotimestamp - a.nmicrotimestamp || b.id - a.id)
    .map((i) => ({
      ts: i.nmicrotimestamp,
      id: i.id,
      price: Number(i.price),
      amount: Number(i.amount),
      side: i.type === 0 ? 'buy' : 'sell',
    }));
}

/** Every row of the tape, top to bottom, read a screenful at a time as a user scrolls. */
async function readTape(page, testid) {
  return page.evaluate(async (testid) => {
    const tape = document.querySelector(`[data-testid="${testid}"]`);
    const rows = [];
    const seen = new Set();
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    for (let top = 0; ; top += tape.clientHeight / 2) {
      tape.scrollTop = top;
      tape.dispatchEvent(new Event('scroll'));
      await frame();
      for (const row of tape.querySelectorAll('.tape-row')) {
        const d = row.dataset;
        const key = `${d.ts}/${d.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({ ts: Number(d.ts), id: Number(d.id), price: Number(d.price), amount: Number(d.amount), side: d.side });
      }
      if (top >= tape.scrollHeight - tape.clientHeight) break;
    }
    return { rows, drawn: tape.querySelectorAll('.tape-row').length };
  }, testid);
}

test("the tape's rows are the API's trades in the zoomed window, newest first, and the minimum size filters them", async () => {
  const channel = 'live_trades_btcusd';
  const { from, to } = await fetchChannels(apiUrl());
  const items = await allItems(channel, from, to);
  const start = Math.round((from + (to - from) * 0.3) / 1e6) * 1e6;
  const window = [start, start + 900e6];
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from, to, zoom: `${iso(window[0])},${iso(window[1])}` }));
  await waitForStatus(page, 'done');
  const testid = `tape-${channel}`;
  const want = tapeOf(items, window);
  assert.ok(want.length > 100, `enough trades in the window to scroll: ${want.length}`);
  await page.waitForFunction(
    ([id, n]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.rows === String(n),
    [testid, want.length],
  );
  const { rows, drawn } = await readTape(page, testid);
  assert.deepEqual(rows, want);
  assert.ok(drawn < 30, `only the rows in sight are drawn: ${drawn}`);
  // The newest trade at the top, its time in the chosen zone (UTC here, said in the heading) to the millisecond.
  await page.getByTestId(testid).evaluate((tape) => {
    tape.scrollTop = 0;
    tape.dispatchEvent(new Event('scroll'));
  });
  const first = page.locator(`[data-testid="${testid}"] .tape-row`).first();
  await page.waitForFunction(
    ([id, ts]) => document.querySelector(`[data-testid="${id}"] .tape-row`)?.dataset.ts === String(ts),
    [testid, want[0].ts],
  );
  const time = iso(want[0].ts).slice(11, 23);
  assert.match(await first.textContent(), new RegExp(`^${time.replaceAll('.', '\\.')}`));
  assert.match(await page.locator('.tape-columns').first().textContent(), /^Time \(UTC\)/);
  await screenshot(page, 'tape.png');

  // The minimum size: the median amount leaves about half.
  const amounts = want.map((r) => r.amount).sort((a, b) => a - b);
  const min = amounts[Math.floor(amounts.length / 2)];
  await page.getByTestId(`tape-min-${channel}`).fill(String(min));
  await page.getByTestId(`tape-min-${channel}`).press('Enter');
  const filtered = tapeOf(items, window, min);
  assert.ok(filtered.length < want.length && filtered.length > 0);
  await page.waitForFunction(
    ([id, n]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.rows === String(n),
    [testid, filtered.length],
  );
  assert.deepEqual((await readTape(page, testid)).rows, filtered);
  assert.equal(await page.getByTestId(`tape-count-${channel}`).getAttribute('data-value'), String(filtered.length));

  // A size that is not one is said so, and the last good one stays.
  await page.getByTestId(`tape-min-${channel}`).fill('-1');
  await page.getByTestId(`tape-min-${channel}`).press('Enter');
  const error = page.getByTestId(`tape-min-error-${channel}`);
  assert.match(await error.textContent(), /"-1" is not a size of 0 or more; showing trades of at least \d/);
  assert.equal(await page.getByTestId(testid).getAttribute('data-rows'), String(filtered.length));
  await page.getByTestId(`tape-min-${channel}`).fill('');
  await page.getByTestId(`tape-min-${channel}`).press('Enter');
  await error.waitFor({ state: 'detached' });
  await page.waitForFunction(
    ([id, n]) => document.querySelector(`[data-testid="${id}"]`)?.dataset.rows === String(n),
    [testid, want.length],
  );
  assertNoProblems(problems);
  await context.close();
});

test('following live, new trades arrive at the top of the tape', async (t) => {
  const channel = 'live_trades_btcusd';
  const { server } = await startCollecting(t, { simArgs: ['--seed', '11'], log: 'server-tape-live.log' });
  const { context, page, problems } = await newPage(browser);
  await page.goto(dashboardUrl({ ch: [channel], from: 'now-2m', to: 'now', follow: 1, api: server.api }, server.url));
  await waitForStatus(page, 'live', { timeout: 60_000 });
  const testid = `tape-${channel}`;
  const rows = () => page.getByTestId(testid).getAttribute('data-rows').then(Number);
  await page.waitForFunction((id) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.rows) > 0, testid, { timeout: 30_000 });
  const before = await readTape(page, testid);
  await page.evaluate((id) => { document.querySelector(`[data-testid="${id}"]`).scrollTop = 0; }, testid);
  await page.waitForFunction(
    ([id, n]) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.rows) > n,
    [testid, before.rows.length],
    { timeout: 30_000 },
  );
  const after = await readTape(page, testid);
  assert.ok(after.rows.length > before.rows.length && (await rows()) >= after.rows.length);
  // What was newest is now further down, under the trades that came after it, newest first.
  const newest = before.rows[0];
  const at = after.rows.findIndex((r) => r.ts === newest.ts && r.id === newest.id);
  assert.ok(at > 0, `the trades that came since are above the newest before (${at})`);
  assert.ok(after.rows.slice(0, at).every((r) => r.ts >= newest.ts), 'they are newer');
  for (let i = 1; i < after.rows.length; i++) {
    const [a, b] = [after.rows[i - 1], after.rows[i]];
    assert.ok(a.ts > b.ts || (a.ts === b.ts && a.id > b.id), `newest first at row ${i}`);
  }
  assertNoProblems(problems);
  await context.close();
});
