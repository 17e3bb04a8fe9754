// Starting `tickscope-server serve` for the end-to-end tests: run.mjs starts the main server with it, and a test
// can start extra servers with test options (faults, latency, --ignore-cursor) over the main server's database.
//
//   const server = await startServer({ args: ['--latency-ms', '300'], log: outPath('server-latency.log') });
//   ... server.url (e.g. http://127.0.0.1:40123), server.api (url + /prod) ...
//   await server.stop();
//
// Defaults come from the environment run.mjs passes to the tests: TICKSCOPE_SERVER_BIN, TICKSCOPE_DB (the main
// server's database, already seeded: SQLite in WAL mode, so several servers can read it and an extra server finds
// a non-empty store and does not seed) and TICKSCOPE_DIST.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The server binary: $TICKSCOPE_SERVER_BIN, else $CARGO_TARGET_DIR/debug/tickscope-server (target/ by default). */
export function serverBin() {
  return path.resolve(
    root,
    process.env.TICKSCOPE_SERVER_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? 'target', 'debug/tickscope-server'),
  );
}

/** The built dashboard: $TICKSCOPE_DIST, else dist/. */
export function distDir() {
  return path.resolve(root, process.env.TICKSCOPE_DIST ?? 'dist');
}

// Servers still running when this process exits are killed, whatever the tests did.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `tickscope-server serve --addr 127.0.0.1:0 --db DB --dist DIST ...args` and resolves once it prints
 * `listening on http://127.0.0.1:PORT`.
 *
 * - `args`: more options for `serve` (e.g. `['--fault-rate', '0.3']`).
 * - `db`: the SQLite file; default $TICKSCOPE_DB (required one way or the other).
 * - `log`: where stdout and stderr go: a file path or a writable stream (left open); default: discarded.
 * - `timeoutMs`: how long to wait for `listening on` (seeding an empty store takes a while in debug).
 * - `env`: more environment variables for the server (e.g. AWS credentials for a local DynamoDB).
 *
 * Returns `{ url, api, port, child, stop, exited }`: `stop()` ends the server (SIGTERM, then SIGKILL after 5 s) and
 * resolves when it has exited; it may be called more than once. `exited()` says whether the process is gone.
 */
export async function startServer({
  args = [],
  db = process.env.TICKSCOPE_DB,
  log,
  bin = serverBin(),
  dist = distDir(),
  timeoutMs = 180_000,
  env = {},
} = {}) {
  if (!db) throw new Error('startServer: no database (pass `db` or set TICKSCOPE_DB; run.mjs sets it)');
  const logStream = typeof log === 'string' ? createWriteStream(log) : log;
  const ownsLog = typeof log === 'string';

  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--db', db, '--dist', dist, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let hasExited = false;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', () => {
      hasExited = true;
      running.delete(child);
      resolve();
    });
    // A binary that cannot be spawned emits `error` and never `exit`.
    child.on('error', () => {
      hasExited = true;
      running.delete(child);
      resolve();
    });
  });
  if (logStream) {
    child.stdout.pipe(logStream, { end: false });
    child.stderr.pipe(logStream, { end: false });
  } else {
    child.stdout.resume();
    child.stderr.resume();
  }

  const stop = async () => {
    if (!hasExited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!hasExited) child.kill('SIGKILL');
      }, 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    if (ownsLog) await new Promise((resolve) => logStream.end(resolve));
  };

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(
        () => reject(new Error(`the server did not print "listening on" within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const onData = (chunk) => {
        buffered += chunk.toString();
        const match = buffered.match(/listening on (https?:\/\/127\.0\.0\.1:\d+)/);
        if (match) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`${bin} could not be started: ${error.message}`));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${signal ?? code}) before listening${ownsLog ? `; see ${log}` : ''}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    api: `${url}/prod`,
    port: Number(new URL(url).port),
    child,
    stop,
    exited: () => hasExited,
  };
}
