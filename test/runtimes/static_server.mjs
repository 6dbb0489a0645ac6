// The browser check's server: scripts/static_server.mjs (loopback, application/wasm,
// COOP/COEP) serving dist/, test/runtimes/ and examples/ under the package root.
import { serveStatic } from '../../scripts/static_server.mjs';

const ALLOWED = ['/dist/', '/test/runtimes/', '/examples/'];

/** Starts the server on a free port; `pages` maps extra paths to HTML strings or { type, body }. */
export function serve(root, pages = {}) {
  return serveStatic(root, { allowed: ALLOWED, routes: pages });
}
