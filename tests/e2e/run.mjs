// Runs the end-to-end tests: starts the debug `tickscope-server` on a free port with a fresh database and the
// release dashboard in dist/, runs every tests/e2e/*.test.mjs (node:test) against it, stops the server.
//
//   node tests/e2e/run.mjs [FILE.test.mjs ...] [--test-name-pattern=REGEX ...]
//
// Arguments starting with `-` are passed to `node --test` (e.g. `--test-name-pattern="K = 4"`).
// Environment: TICKSCOPE_SERVER_BIN (default $CARGO_TARGET_DIR/debug/tickscope-server, target/ by default),
// TICKSCOPE_DIST (default dist).
// The tests get the server's base URL in TICKSCOPE_URL, and TICKSCOPE_SERVER_BIN, TICKSCOPE_DB (the main server's
// database, seeded) and TICKSCOPE_DIST as absolute paths, so that they can start extra servers with test options
// over the same data (lib/server.mjs).

import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distDir, serverBin, startServer } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const outDir = path.join(here, 'out');
const bin = serverBin();
const dist = distDir();

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

if (!existsSync(bin)) fail(`${bin} is missing: cargo build -p tickscope-server`);
if (!existsSync(path.join(dist, 'index.html'))) fail(`${dist}/index.html is missing: ./scripts/build-dashboard.sh`);

const args = process.argv.slice(2);
const testOptions = args.filter((a) => a.startsWith('-'));
const named = args.filter((a) => !a.startsWith('-'));
const files = named.length
  ? named.map((f) => path.resolve(f))
  : readdirSync(here)
      .filter((f) => f.endsWith('.test.mjs'))
      .sort()
      .map((f) => path.join(here, f));
if (!files.length) fail('no tests/e2e/*.test.mjs');

mkdirSync(outDir, { recursive: true });
const dbDir = mkdtempSync(path.join(tmpdir(), 'tickscope-e2e-'));
const db = path.join(dbDir, 'e2e.db');
const serverLogPath = path.join(outDir, 'server.log');
const serverLog = createWriteStream(serverLogPath);

process.on('exit', () => {
  // lib/server.mjs kills the server on exit too; the database goes after it.
  rmSync(dbDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

// The main server: seeds the fresh database, then prints `listening on http://127.0.0.1:PORT`.
const started = Date.now();
const server = await startServer({ bin, dist, db, log: serverLog }).catch((error) =>
  fail(`${error.message}; see ${serverLogPath}`),
);
console.log(`e2e: server ready at ${server.url} in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${serverLogPath})`);

// Run the tests, one file at a time (each launches its own browser).
const code = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', '--test-timeout=600000', '--test-reporter=spec', ...testOptions, ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        TICKSCOPE_URL: server.url,
        TICKSCOPE_SERVER_BIN: bin,
        TICKSCOPE_DB: db,
        TICKSCOPE_DIST: dist,
      },
    },
  );
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
});

if (server.exited()) {
  console.error(`e2e: the server died during the tests; see ${serverLogPath}`);
  process.exit(1);
}
await server.stop();
process.exit(code);
