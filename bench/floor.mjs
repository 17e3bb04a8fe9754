// The floor: how long the server takes to answer every page of a load once, with every cursor known in advance and
// all requests in flight. No client can load the same items faster from this server on this machine: a browser
// would also parse, chart and discover cursors one page at a time.
//
// `pageQueries(api, channels, span)` walks each channel's cursors once (on any server over the same database);
// `floorOnce(api, queries, { http2 })` then asks for all those pages at once over one HTTP/2 connection, or over
// six HTTP/1.1 connections (a browser's limit per host), reading every body whole, compressed as a browser asks.

import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { connect } from 'node:http2';

const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/** Every page's query string of a sequential cursor walk of each channel over `span`. */
export async function pageQueries(api, channels, span) {
  const queries = [];
  for (const channel of channels) {
    let cursor = null;
    do {
      const q = new URLSearchParams({ channel, from: String(span.from), to: String(span.to) });
      if (cursor) q.set('cursor', cursor);
      queries.push(q.toString());
      const key = (await (await fetch(`${api}/bitstamp?${q}`)).json()).body.LastEvaluatedKey;
      cursor = key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
    } while (cursor);
  }
  return queries;
}

/** Milliseconds from the first request to the last body's end, every page in flight at once. */
export async function floorOnce(api, queries, { http2 }) {
  return http2 ? overHttp2(api, queries) : overHttp1(api, queries);
}

async function overHttp2(api, queries) {
  const base = new URL(api);
  // Flow-control windows as large as Chromium's (node's default of 64 KB would make the client the limit).
  const session = connect(base.origin, { rejectUnauthorized: false, settings: { initialWindowSize: 6 << 20 } });
  await new Promise((resolve, reject) => session.once('connect', resolve).once('error', reject));
  session.setLocalWindowSize(15 << 20);
  // Like a browser, the connection is open before the first request.
  const start = performance.now();
  await Promise.all(
    queries.map(
      (q) =>
        new Promise((resolve, reject) => {
          const stream = session.request({ ':path': `${base.pathname}/bitstamp?${q}`, 'accept-encoding': ACCEPT_ENCODING });
          stream.on('response', (headers) => headers[':status'] !== 200 && reject(new Error(`status ${headers[':status']}`)));
          stream.on('data', () => {}).on('end', resolve).on('error', reject);
        }),
    ),
  );
  const ms = performance.now() - start;
  session.close();
  return ms;
}

async function overHttp1(api, queries) {
  const base = new URL(api);
  const https = base.protocol === 'https:';
  const options = { keepAlive: true, maxSockets: 6 };
  const agent = https ? new Agent({ ...options, rejectUnauthorized: false }) : new HttpAgent(options);
  const get = (q) =>
    new Promise((resolve, reject) => {
      const request = https ? httpsRequest : httpRequest;
      const req = request(`${api}/bitstamp?${q}`, { agent, headers: { 'accept-encoding': ACCEPT_ENCODING } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.on('data', () => {}).on('end', resolve).on('error', reject);
      });
      req.on('error', reject).end();
    });
  // Six connections open before the clock starts, as a browser's would be after its first requests.
  await Promise.all(Array.from({ length: 6 }, () => get(queries[0])));
  const start = performance.now();
  await Promise.all(queries.map(get));
  const ms = performance.now() - start;
  agent.destroy();
  return ms;
}
