// Static hosting: dist/ served by a plain static file server (not tickscope-server) under a sub-path, as GitHub
// Pages serves /<repo>/, loads its assets from that sub-path and its data from the API on another origin, with the
// build's Content-Security-Policy on and never violated.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiUrl, assertNoProblems, launchBrowser, newPage } from './lib/browser.mjs';
import { dashboardUrl, fetchChannels, waitForData, waitForStatus } from './lib/dashboard.mjs';
import { serveUnderPrefix } from './lib/static.mjs';

const PREFIX = '/tickscope/';

let browser;
let host;
let origin;
before(async () => {
  browser = await launchBrowser();
  host = await serveUnderPrefix(PREFIX);
  origin = host.url;
});
after(async () => {
  await browser?.close();
  host?.close();
});

test('under a sub-path of a plain static server, the dashboard loads from the API on another origin', async () => {
  const channel = 'live_trades_ethusd';
  const { channels } = await fetchChannels(apiUrl());
  const { context, page, problems } = await newPage(browser);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(dashboardUrl({ ch: [channel], api: apiUrl() }, `${origin}${PREFIX.slice(0, -1)}`));
  await waitForStatus(page, 'done');
  assert.equal(Number(await page.getByTestId(`items-${channel}`).textContent()), channels.get(channel).count);
  await page.getByTestId(`chart-price-${channel}`).locator('canvas').first().waitFor();
  const assets = problems.requests.filter((url) => url.startsWith(origin));
  assert.ok(assets.length >= 4, `assets: ${assets}`);
  for (const url of assets) assert.ok(new URL(url).pathname.startsWith(PREFIX), `${url} is under ${PREFIX}`);
  assert.ok(problems.requests.some((url) => url.startsWith(`${apiUrl()}/bitstamp?`)), 'data from the API origin');
  // The policy is there, allows no eval, and nothing the page did was blocked (the tooltip included).
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(policy, /'unsafe-eval'|(^|\s)\*(\s|;|$)/);
  const price = page.getByTestId(`chart-price-${channel}`);
  await price.scrollIntoViewIfNeeded();
  // A panel out of sight draws when the load ends, after the redraw throttle: hover once it has data.
  await waitForData(page, `chart-price-${channel}`);
  const box = await price.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`).innerText.includes('Trades'), `chart-price-${channel}`);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assertNoProblems(problems);
  await context.close();
});

test('an unknown path under the sub-path gets the app, which still starts', async () => {
  const { context, page, problems } = await newPage(browser);
  const response = await page.goto(`${origin}${PREFIX}no-such-page`);
  assert.equal(response.status(), 404);
  await page.getByTestId('interval').waitFor();
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
