// Live data for the end-to-end tests: the exchange simulator, and `serve --collect` recording it into a fresh
// SQLite file.
//
//   const { simulator, server } = await startCollecting(t, { simArgs: ['--drop-every', '4'] });

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { defer, outPath } from './browser.mjs';
import { serverBin, startServer } from './server.mjs';

/** `tickscope-server exchange-sim` on a free port; resolves with `{ child, url, stop }` (its ws:// URL). */
export async function startSimulator(args = []) {
  const child = spawn(serverBin(), ['exchange-sim', '--addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => reject(new Error('exchange-sim exited before listening')));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  /** Ends the simulator (SIGTERM) and resolves once it has exited. */
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { child, url: line.replace('listening on ', '').trim(), stop };
}

/**
 * A fresh SQLite file that is not empty (one item of another channel), so that `serve` does not generate the demo
 * data into it; resolves with its path.
 */
export function freshStore() {
  const dir = mkdtempSync(path.join(tmpdir(), 'tickscope-collect-'));
  const db = path.join(dir, 'collect.db');
  const other = path.join(dir, 'other.ndjson');
  writeFileSync(other, '{"id":1,"microtimestamp":"1000","price":1,"channel":"live_trades_xrpusd"}\n');
  execFileSync(serverBin(), ['import', other, '--db', db], { stdio: 'ignore' });
  return db;
}

/**
 * The simulator (with `simArgs`) and `serve --collect` from it into a fresh store (with `serverArgs`), both
 * stopped when test `t` ends. Resolves with `{ simulator, server, db }`.
 */
export async function startCollecting(t, { simArgs = [], serverArgs = [], log = 'server-collect.log' } = {}) {
  const db = freshStore();
  const simulator = await startSimulator(simArgs);
  defer(t, () => simulator.child.kill('SIGKILL'));
  const server = await startServer({ db, args: ['--collect', '--ws-url', simulator.url, ...serverArgs], log: outPath(log) });
  defer(t, () => server.stop());
  return { simulator, server, db };
}
