// Loading the wasm module in every runtime. This is the only file that knows how
// runtimes differ: Node reads the file, browsers/Deno/Bun fetch it, and Cloudflare
// workerd (which refuses to compile bytes) passes a precompiled WebAssembly.Module.

import { setInstance, isInitialized } from './heap.js';
import type { KernelExports } from './exports.js';

export type WasmSource = WebAssembly.Module | BufferSource | URL | string | Response | Promise<Response>;

export interface InitOptions {
  /** Force the strict simd128 build even where relaxed SIMD validates. */
  relaxed?: boolean;
}

// (module (func (result v128) v128.const i32x4 0 0 0 0 v128.const ... f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 133, 2, 11,
]);

/** True where the runtime accepts relaxed-SIMD instructions. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

const isNode = typeof process !== 'undefined' && !!(process as { versions?: { node?: string } }).versions?.node &&
  typeof (globalThis as { Deno?: unknown }).Deno === 'undefined';

async function readUrl(url: URL): Promise<ArrayBuffer | Response> {
  if (url.protocol === 'file:' && isNode) {
    const fs = await import('node:fs/promises');
    const buf = await fs.readFile(url);
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }
  if (url.protocol === 'file:' && typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined') {
    const deno = (globalThis as unknown as { Deno: { readFile(u: URL): Promise<Uint8Array> } }).Deno;
    const bytes = await deno.readFile(url);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  return fetch(url);
}

async function instantiate(source: WasmSource): Promise<WebAssembly.Instance> {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, {});
  let src: unknown = source;
  if (typeof src === 'string' || src instanceof URL) src = await readUrl(new URL(src as string | URL));
  if (src instanceof Promise) src = await src;
  if (typeof Response !== 'undefined' && src instanceof Response) {
    if (!src.ok) throw new Error(`torchwasm: fetching the wasm module failed with HTTP ${src.status}`);
    const streaming = src.headers.get('content-type') === 'application/wasm' && WebAssembly.instantiateStreaming;
    if (streaming) return (await WebAssembly.instantiateStreaming(src, {})).instance;
    src = await src.arrayBuffer();
  }
  const { instance } = await WebAssembly.instantiate(src as BufferSource, {});
  return instance;
}

/**
 * Loads the kernels. `source` is a compiled WebAssembly.Module (Cloudflare Workers),
 * the module's bytes, or a URL / fetch Response. Without a source the default entry
 * loads `torch.wasm` (or `torch-relaxed.wasm` where relaxed SIMD validates) next to
 * the bundle. Calling it again after a successful load does nothing.
 */
export async function init(source?: WasmSource, options: InitOptions = {}): Promise<void> {
  if (isInitialized()) return;
  const relaxed = source === undefined && options.relaxed !== false && relaxedSimdSupported();
  if (source === undefined) {
    source = new URL(relaxed ? './torch-relaxed.wasm' : './torch.wasm', import.meta.url);
  }
  const instance = await instantiate(source);
  setInstance(instance.exports as unknown as KernelExports, relaxed);
}
