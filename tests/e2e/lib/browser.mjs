// Shared helpers for the end-to-end tests: the server's URL, a local headless Chromium, and a page that records
// console errors, page errors and failed requests.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { checkEchartsParts } from './echarts-parts.mjs';
import { installChartHooks } from './echarts-hooks.mjs';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../out');

/** The server's base URL, e.g. `http://127.0.0.1:40123` (set by tests/e2e/run.mjs). */
export function baseUrl() {
  const url = process.env.TICKSCOPE_URL;
  if (!url) throw new Error('TICKSCOPE_URL is not set: run the tests with `node tests/e2e/run.mjs`');
  return url.replace(/\/$/, '');
}

/** The API base the dashboard uses by default. */
export function apiUrl() {
  return `${baseUrl()}/prod`;
}

/** A path under tests/e2e/out/ for screenshots and other artifacts. */
export function outPath(name) {
  mkdirSync(outDir, { recursive: true });
  return path.join(outDir, name);
}

/**
 * Debian's Chromium (never a downloaded browser), headless, with `extraArgs` after the usual flags. Requests to anything but the loopback go to a dead
 * proxy and fail, and host names other than localhost do not resolve: the tests reach nothing outside this machine.
 */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--proxy-server=http://127.0.0.1:9',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
      ...extraArgs,
    ],
  });
}

/**
 * A new page (in its own context) whose problems are recorded:
 * `problems.consoleErrors`, `problems.pageErrors`, `problems.failedRequests` (network failures and HTTP >= 400),
 * and every requested URL in `problems.requests`; a chart option using a part of ECharts that was not built is a
 * console error (lib/echarts-parts.mjs).
 */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
  await context.addInitScript(installChartHooks);
  await context.addInitScript(checkEchartsParts);
  const page = await context.newPage();
  const problems = { consoleErrors: [], pageErrors: [], failedRequests: [], requests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('request', (request) => problems.requests.push(request.url()));
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.failedRequests.push(`${response.request().method()} ${response.url()}: HTTP ${response.status()}`);
    }
  });
  return { context, page, problems };
}

/** Fails unless the page logged no console error, threw nothing and had no failed request. */
export function assertNoProblems(problems) {
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  assert.deepEqual(problems.failedRequests, [], 'failed requests');
}

/** A full-page screenshot to tests/e2e/out/NAME, with CSS transitions (the progress bars') run to their end. */
export function screenshot(page, name) {
  return page.screenshot({ path: outPath(name), fullPage: true, animations: 'disabled' });
}

const cleanups = new WeakMap();

/**
 * Runs `fn` after the test `t`, before what was deferred earlier (last in, first out: a page closes before the
 * server it talks to stops). Every cleanup runs; the first error is thrown.
 */
export function defer(t, fn) {
  let stack = cleanups.get(t);
  if (!stack) {
    stack = [];
    cleanups.set(t, stack);
    t.after(async () => {
      let failure;
      while (stack.length) {
        try {
          await stack.pop()();
        } catch (error) {
          failure ??= error;
        }
      }
      if (failure) throw failure;
    });
  }
  stack.push(fn);
}
