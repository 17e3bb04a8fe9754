// A plain static file server for dist/ (not tickscope-server), as GitHub Pages or S3 serve it: the files (and
// folders) under one sub-path only, and for anything missing 404.html with status 404.
//
//   const host = await serveUnderPrefix('/tickscope/');   // host.url: http://127.0.0.1:PORT
//   ... page.goto(`${host.url}/tickscope/?...`) ...
//   host.close();

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { distDir } from './server.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves dist/'s files under `prefix` (which starts and ends with `/`) on 127.0.0.1, on a free port. */
export async function serveUnderPrefix(prefix) {
  const dist = distDir();
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    const name = pathname === prefix ? 'index.html' : decodeURIComponent(pathname.slice(prefix.length));
    // Nested files too (wasm-bindgen's snippets/), as static hosts serve them; nothing above dist/.
    const inside = pathname.startsWith(prefix) && !name.split('/').includes('..');
    try {
      if (!inside) throw new Error('outside');
      const body = readFileSync(path.join(dist, name));
      res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/html' }).end(readFileSync(path.join(dist, '404.html')));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
