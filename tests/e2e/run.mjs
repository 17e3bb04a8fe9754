// Runs the end-to-end tests: starts the debug `tickscope-server` on a free port with a fresh database and the
// release dashboard in dist/, runs every tests/e2e/*.test.mjs (node:test) against it, stops the server.
//
//   node tests/e2e/run.mjs [FILE.test.mjs ...]
//
// Environment: TICKSCOPE_SERVER_BIN (default $CARGO_TARGET_DIR/debug/tickscope-server, target/ by default),
// TICKSCOPE_DIST (default dist).
// The tests get the server's base URL in TICKSCOPE_URL.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const outDir = path.join(here, 'out');
const serverBin = path.resolve(
  root,
  process.env.TICKSCOPE_SERVER_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? 'target', 'debug/tickscope-server'),
);
const dist = path.resolve(root, process.env.TICKSCOPE_DIST ?? 'dist');
const READY_TIMEOUT_MS = 180_000;

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

if (!existsSync(serverBin)) fail(`${serverBin} is missing: cargo build -p tickscope-server`);
if (!existsSync(path.join(dist, 'index.html'))) fail(`${dist}/index.html is missing: ./scripts/build-dashboard.sh`);

const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => path.resolve(f))
  : readdirSync(here)
      .filter((f) => f.endsWith('.test.mjs'))
      .sort()
      .map((f) => path.join(here, f));
if (!files.length) fail('no tests/e2e/*.test.mjs');

mkdirSync(outDir, { recursive: true });
const dbDir = mkdtempSync(path.join(tmpdir(), 'tickscope-e2e-'));
const serverLogPath = path.join(outDir, 'server.log');
const serverLog = createWriteStream(serverLogPath);

// Start the server and wait for `listening on http://127.0.0.1:PORT`.
const server = spawn(
  serverBin,
  ['serve', '--addr', '127.0.0.1:0', '--db', path.join(dbDir, 'e2e.db'), '--dist', dist],
  { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
);
server.stderr.pipe(serverLog);
let serverExited = false;
server.on('exit', () => {
  serverExited = true;
});

function stopServer() {
  if (!serverExited) server.kill('SIGKILL');
}
process.on('exit', () => {
  stopServer();
  rmSync(dbDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

const started = Date.now();
const baseUrl = await new Promise((resolve, reject) => {
  let buffered = '';
  const timer = setTimeout(
    () => reject(new Error(`the server did not print "listening on" within ${READY_TIMEOUT_MS / 1000} s`)),
    READY_TIMEOUT_MS,
  );
  const onData = (chunk) => {
    serverLog.write(chunk);
    buffered += chunk.toString();
    const match = buffered.match(/listening on (http:\/\/127\.0\.0\.1:(\d+))/);
    if (match) {
      clearTimeout(timer);
      server.stdout.off('data', onData);
      server.stdout.pipe(serverLog);
      resolve(match[1]);
    }
  };
  server.stdout.on('data', onData);
  server.on('exit', (code, signal) => {
    clearTimeout(timer);
    reject(new Error(`the server exited (${signal ?? code}) before listening; see ${serverLogPath}`));
  });
}).catch((error) => fail(error.message));
console.log(`e2e: server ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${serverLogPath})`);

// Run the tests, one file at a time (each launches its own browser).
const code = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-timeout=180000', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TICKSCOPE_URL: baseUrl } },
  );
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
});

if (serverExited) {
  console.error(`e2e: the server died during the tests; see ${serverLogPath}`);
  process.exit(1);
}
stopServer();
process.exit(code);
