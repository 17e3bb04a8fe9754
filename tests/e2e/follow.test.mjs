// Following live: `serve --collect` records the exchange simulator (the demo market, now) while dashboards opened
// on `from=now-2m&to=now&follow=1` follow it, through our API, through one like the original (cursor ignored, no
// /channels), and through one that answers 503 for 20 s. They reach `live`, their counts rise, a hidden tab stops
// asking and catches up when shown, the outage is ridden out, and once the simulator stops every count equals what
// the API holds for the range the dashboard shows.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNoProblems, defer, launchBrowser, newPage, outPath, screenshot } from './lib/browser.mjs';
import { startCollecting } from './lib/collector.mjs';
import { CHANNELS, allItems, count, dashboardUrl, installProbe, messages, waitForStatus } from './lib/dashboard.mjs';
import { startServer } from './lib/server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the third server's /prod/bitstamp answers 503: seconds after its start, for how long. */
const OUTAGE = { after: 20, lasting: 20 };

/** A dashboard following `server`'s API over the last 2 minutes, with the probe installed. */
async function follow(browser, server) {
  const { page, problems } = await newPage(browser);
  await page.addInitScript(installProbe);
  await page.goto(dashboardUrl({ ch: CHANNELS, from: 'now-2m', to: 'now', follow: 1, api: server.api }, server.url));
  return { page, problems };
}

/** Resolves once `items-loaded` is above `than`. */
function countRises(page, than, timeout = 20_000) {
  return page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="items-loaded"]')?.textContent) > n,
    than,
    { timeout },
  );
}

/** Each channel's count with the range it is of, read at one instant. */
function shown(page) {
  return page.evaluate((channels) => channels.map((channel) => {
    const el = document.querySelector(`[data-testid="items-${channel}"]`);
    return { channel, count: Number(el.textContent), from: Number(el.dataset.from), to: Number(el.dataset.to) };
  }), CHANNELS);
}

/** Waits (up to `within` ms) until every channel's count equals what `api` holds for the range shown. */
async function assertSettled(page, api, within, what) {
  const deadline = Date.now() + within;
  let last = [];
  for (;;) {
    const rows = await shown(page);
    last = await Promise.all(rows.map(async (r) => ({ ...r, api: (await allItems(r.channel, r.from, r.to, api)).length })));
    if (last.every((r) => r.count === r.api && r.count > 0)) return last;
    if (Date.now() > deadline) break;
    await sleep(1_000);
  }
  assert.fail(`${what}: counts did not settle to the API's within ${within / 1000} s: ${JSON.stringify(last)}`);
}

/** Makes the page's document hidden (or visible again), as the Page Visibility API reports a background tab. */
function setHidden(page, hidden) {
  return page.evaluate((hidden) => {
    if (hidden) {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    } else {
      delete document.hidden;
      delete document.visibilityState;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    return performance.now();
  }, hidden);
}

/** The link's zoom window, ms. */
function linkZoom(page) {
  const zoom = new URL(page.url()).searchParams.get('zoom');
  return zoom ? zoom.split(',').map((t) => Date.parse(t)) : null;
}

/** Zooms the BTC/USD price chart to `start`..`end` percent of its range, as a gesture does. */
async function zoomTo(page, start, end) {
  const width = (zoom) => zoom && zoom[1] - zoom[0];
  const before = width(linkZoom(page));
  await page.evaluate(([start, end]) => {
    const el = document.querySelector('[data-testid="chart-price-live_trades_btcusd"]');
    window.echarts.getInstanceByDom(el).dispatchAction({ type: 'dataZoom', start, end });
  }, [start, end]);
  // The zoom applies once the gesture settles (a window following the end moves meanwhile, its width stays).
  const deadline = Date.now() + 5_000;
  while (width(linkZoom(page)) === before) {
    assert.ok(Date.now() < deadline, 'the zoom applies');
    await sleep(50);
  }
}

/** The newest end of the ranges shown, ms. */
async function liveEnd(page) {
  return Math.max(...(await shown(page)).map((r) => r.to)) / 1000;
}

/** In-page times (ms) of the requests for pages of items. */
function pageFetches(page) {
  return page.evaluate(() => window.__probe.fetches.filter((f) => f.url.includes('/bitstamp?')).map((f) => f.t));
}

test('dashboards follow serve --collect live, through our API, one like the original and an outage', async (t) => {
  const { simulator, server, db } = await startCollecting(t, { simArgs: ['--seed', '7'] });
  const like = await startServer({ db, args: ['--like-original'], log: outPath('server-follow-original.log') });
  defer(t, () => like.stop());
  await sleep(3_000);

  const browser = await launchBrowser();
  defer(t, () => browser.close());
  const ours = await follow(browser, server);
  const original = await follow(browser, like);
  for (const { page } of [ours, original]) await waitForStatus(page, 'live', { timeout: 60_000 });
  for (const { page } of [ours, original]) await countRises(page, await count(page, 'items-loaded'));
  // The outage's clock starts with its server: its dashboard opens alone, so that it is live and its count has
  // risen before the outage begins (three dashboards loading at once on two cores once took longer than that).
  // The start is taken before the server's clock starts: the outage begins no sooner.
  const outageStarts = Date.now() + OUTAGE.after * 1000;
  const outage = await startServer({ db, args: ['--outage', `${OUTAGE.after},${OUTAGE.lasting}`], log: outPath('server-follow-outage.log') });
  defer(t, () => outage.stop());
  const flaky = await follow(browser, outage);
  const beforeOutage = () => {
    const left = outageStarts - Date.now();
    assert.ok(left > 0, 'the outage dashboard is live and its count rises before the outage begins');
    return left;
  };
  await waitForStatus(flaky.page, 'live', { timeout: beforeOutage() });
  await countRises(flaky.page, await count(flaky.page, 'items-loaded'), beforeOutage());

  // The link keeps the view, relative times and following included.
  const link = new URL(ours.page.url()).searchParams;
  assert.deepEqual([link.get('from'), link.get('to'), link.get('follow')], ['now-2m', 'now', '1']);
  assert.equal(await ours.page.getByTestId('follow').isChecked(), true);
  // The badge says how old each channel's newest item is.
  for (const channel of CHANNELS) {
    const badge = ours.page.getByTestId(`age-${channel}`);
    assert.match(await badge.textContent(), /^newest \d+ s ago$/);
    assert.ok(Date.now() * 1000 - Number(await badge.getAttribute('data-value')) < 30e6, `${channel}'s newest is recent`);
  }

  // A hidden tab stops asking; shown again, it asks at once and catches up.
  const hiddenAt = await setHidden(ours.page, true);
  const countHidden = await count(ours.page, 'items-loaded');
  await sleep(7_000);
  const asked = (await pageFetches(ours.page)).filter((at) => at > hiddenAt + 1_000);
  assert.deepEqual(asked, [], 'no page is asked for while hidden (after the poll in flight)');
  const shownAt = await setHidden(ours.page, false);
  await countRises(ours.page, countHidden, 5_000);
  const resumed = (await pageFetches(ours.page)).find((at) => at > shownAt);
  assert.ok(resumed !== undefined && resumed - shownAt < 1_000, `a poll right after showing (${resumed - shownAt} ms)`);

  // A zoom at the live end follows it; one into the past stays, and Back to live returns to the end.
  await zoomTo(ours.page, 50, 100);
  const atEnd = linkZoom(ours.page);
  await ours.page.waitForFunction((end) => Date.parse(new URL(location.href).searchParams.get('zoom').split(',')[1]) > end, atEnd[1], { timeout: 15_000 });
  assert.equal(await ours.page.getByTestId('back-to-live').count(), 0, 'at the end, no Back to live');
  await zoomTo(ours.page, 10, 30);
  const past = linkZoom(ours.page);
  await countRises(ours.page, await count(ours.page, 'items-loaded'));
  await sleep(2_500);
  assert.deepEqual(linkZoom(ours.page), past, 'a window in the past stays');
  await ours.page.getByTestId('back-to-live').click();
  const back = linkZoom(ours.page);
  assert.ok(Math.abs(back[1] - (await liveEnd(ours.page))) < 3_000, `back at the end: ${back} vs ${await liveEnd(ours.page)}`);
  assert.ok(Math.abs(back[1] - back[0] - (past[1] - past[0])) <= 1, 'with the same width');
  await ours.page.getByTestId('back-to-live').waitFor({ state: 'detached' });
  await ours.page.getByTestId('zoom-reset').click();

  // The outage: polls fail after their retries, the message says so, and following resumes by itself after it.
  await sleep(Math.max(0, outageStarts - Date.now()));
  await flaky.page.waitForFunction(() => document.body.textContent.includes('new items could not be fetched'), null, { timeout: (OUTAGE.lasting + 5) * 1000 });
  await sleep(Math.max(0, outageStarts + OUTAGE.lasting * 1000 - Date.now()));
  const countAfter = await count(flaky.page, 'items-loaded');
  await countRises(flaky.page, countAfter, 30_000);
  await flaky.page.waitForFunction(() => !document.body.textContent.includes('new items could not be fetched'), null, { timeout: 15_000 });
  assert.equal((await flaky.page.getByTestId('status').textContent()).trim(), 'live', await messages(flaky.page));

  // A first visit to an API whose data is arriving opens on the last 15 minutes of every channel, following.
  const first = await newPage(browser);
  await first.page.goto(`${server.url}/`);
  await waitForStatus(first.page, 'live', { timeout: 60_000 });
  const visit = new URL(first.page.url()).searchParams;
  assert.deepEqual([visit.get('from'), visit.get('to'), visit.get('follow')], ['now-15m', 'now', '1']);
  for (const channel of CHANNELS) assert.ok(visit.get('ch').split(',').includes(channel), `${channel} on a first visit`);
  assertNoProblems(first.problems);

  await screenshot(ours.page, 'follow-live.png');
  await ours.page.locator('.channel-panel').first().screenshot({ path: outPath('follow-panel.png') });
  // The simulator stops: within 15 s, every dashboard holds exactly what the API holds for its range.
  await simulator.stop();
  for (const [what, { page }] of [['ours', ours], ['like the original', original], ['after the outage', flaky]]) {
    await assertSettled(page, server.api, 15_000, what);
    assert.equal((await page.getByTestId('status').textContent()).trim(), 'live');
  }
  assertNoProblems(ours.problems);
  assertNoProblems(original.problems);
});
