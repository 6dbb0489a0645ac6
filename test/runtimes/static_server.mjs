// A tiny localhost HTTP server for the browser check: serves files under the package
// root (only dist/, test/runtimes/ and examples/), .wasm as application/wasm so
// WebAssembly.instantiateStreaming works, with the COOP/COEP headers that make the
// page cross-origin isolated (SharedArrayBuffer) as a real deployment would.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize, extname } from 'node:path';

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.map': 'application/json',
};
const ALLOWED = ['/dist/', '/test/runtimes/', '/examples/'];

/** Starts the server on a free port; `pages` maps extra paths to HTML strings or { type, body }. */
export function serve(root, pages = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (path in pages) {
      const page = typeof pages[path] === 'string' ? { type: TYPES['.html'], body: pages[path] } : pages[path];
      res.writeHead(200, { ...headers, 'Content-Type': page.type }).end(page.body);
      return;
    }
    if (!ALLOWED.some((p) => path.startsWith(p))) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}
