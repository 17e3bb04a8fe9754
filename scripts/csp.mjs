// Puts a Content-Security-Policy <meta> into dist/index.html (and 404.html): what the app needs, nothing more.
//
//   node scripts/csp.mjs dist        (run by scripts/build-dashboard.sh after trunk)
//
// - script-src: our own files, wasm compilation ('wasm-unsafe-eval'; no 'unsafe-eval'), and trunk's inline loader
//   by its SHA-256 (computed here, as trunk writes it anew on every build).
// - style-src: our own CSS, and inline style attributes, which ECharts' tooltips and Leptos' style: bindings set.
// - connect-src: where the API is. With TICKSCOPE_API set (a static build), its origin only; without it (the local
//   server's build, which also follows `api=` links to the original endpoint and to local test servers), the page's
//   origin, any https: origin and loopback. TICKSCOPE_CONNECT_SRC adds origins either way.
// - img-src data: (the empty favicon) and blob:; nothing else from anywhere.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dist = process.argv[2] ?? 'dist';
const file = path.join(dist, 'index.html');
const html = readFileSync(file, 'utf8');

const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  (m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`,
);
const api = process.env.TICKSCOPE_API;
const connect = [
  "'self'",
  ...(api ? [new URL(api).origin] : ['https:', 'http://127.0.0.1:*', 'http://localhost:*']),
  ...(process.env.TICKSCOPE_CONNECT_SRC ?? '').split(/\s+/).filter(Boolean),
];
const policy = [
  "default-src 'none'",
  `script-src 'self' 'wasm-unsafe-eval' ${inline.join(' ')}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  `connect-src ${connect.join(' ')}`,
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

if (html.includes('http-equiv="Content-Security-Policy"')) throw new Error(`${file} already has a CSP`);
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
const out = html.replace(/<meta charset="utf-8">/, (m) => `${m}\n    ${meta}`);
if (out === html) throw new Error(`${file}: no <meta charset="utf-8"> to put the CSP after`);
writeFileSync(file, out);
console.log(`csp: ${policy}`);
