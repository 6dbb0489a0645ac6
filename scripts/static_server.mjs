// A small static HTTP server on the loopback address, for pages that load dist/: .wasm
// is served as application/wasm (so WebAssembly.instantiateStreaming works), and every
// response carries the COOP/COEP headers that make a page cross-origin isolated
// (SharedArrayBuffer), as a real deployment would. Used by `npm run web` and the
// browser leg of the runtime matrix.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize, extname } from 'node:path';

export const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.json': 'application/json',
  '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };

/**
 * Starts the server. Files under `root` are served when their path starts with one of
 * `allowed` (e.g. ['/dist/', '/examples/']); `routes` maps exact paths to an HTML string,
 * { type, body } or { type, file } (a file sent as a stream, read at each request).
 * `port` 0 picks a free port. Resolves { server, url }.
 */
export function serveStatic(root, { allowed = [], routes = {}, port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end('method not allowed');
      return;
    }
    let route = routes[path];
    if (route === undefined && allowed.some((p) => path.startsWith(p))) {
      route = { type: TYPES[extname(path)] ?? 'application/octet-stream', file: join(root, path) };
    }
    if (route === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (typeof route === 'string') route = { type: TYPES['.html'], body: route };
    if (route.body !== undefined) {
      res.writeHead(200, { ...ISOLATION, 'Content-Type': route.type }).end(req.method === 'HEAD' ? undefined : route.body);
      return;
    }
    try {
      const info = await stat(route.file);
      if (!info.isFile()) throw new Error('not a file');
      res.writeHead(200, { ...ISOLATION, 'Content-Type': route.type, 'Content-Length': info.size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(route.file).on('error', () => res.destroy()).pipe(res);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { address, port: bound } = server.address();
      resolve({ server, url: `http://${address.includes(':') ? `[${address}]` : address}:${bound}` });
    });
  });
}
