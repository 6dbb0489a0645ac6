// Typed view of the crate's C ABI (crate/src/abi/). Pointers and sizes are numbers
// (wasm32 addresses); i64 parameters are bigint.

export interface KernelExports {
  memory: WebAssembly.Memory;
  mem_alloc(nbytes: number): number;
  mem_free(ptr: number, nbytes: number): void;
  copy_cast(ds: number, dd: number, nd: number, desc: number, dst: number, src: number): number;
  fill_f64(dt: number, nd: number, desc: number, p: number, v: number): number;
  fill_i64(dt: number, nd: number, desc: number, p: number, v: bigint): number;
  ew_binary(op: number, dt: number, nd: number, desc: number, o: number, a: number, b: number, p: number): number;
  ew_compare(op: number, dt: number, nd: number, desc: number, o: number, a: number, b: number): number;
  ew_unary(op: number, dt: number, nd: number, desc: number, o: number, a: number, p1: number, p2: number, p3: number): number;
  ew_predicate(op: number, dt: number, nd: number, desc: number, o: number, a: number): number;
  ew_where(dt: number, nd: number, desc: number, o: number, c: number, a: number, b: number): number;
  reduce(op: number, dtIn: number, dtOut: number, nk: number, nr: number, desc: number, o: number, a: number, p1: number): number;
  reduce_arg(op: number, dt: number, nk: number, nr: number, desc: number, vals: number, idx: number, a: number): number;
  scan(op: number, dt: number, nd: number, desc: number, len: number, so: number, si: number, o: number, a: number, idx: number): number;
  softmax(log: number, dt: number, nd: number, desc: number, len: number, so: number, si: number, o: number, a: number): number;
  gemm_batched(
    dt: number, batch: number, m: number, n: number, k: number, alpha: number,
    a: number, bsa: number, rsa: number, csa: number,
    b: number, bsb: number, rsb: number, csb: number,
    beta: number, c: number, bsc: number, rsc: number, csc: number,
  ): number;
  fill_range(kind: number, dt: number, p: number, n: number, a: number, b: number, c: number): number;
  last_bad_index(): number;
  gather(dt: number, nd: number, desc: number, o: number, idx: number, a: number, dimStride: number, dimSize: number): number;
  scatter(mode: number, dt: number, nd: number, desc: number, s: number, idx: number, src: number, dimStride: number, dimSize: number): number;
  conv2d(kind: number, dt: number, geom: number, a: number, b: number, bias: number, out: number): number;
  pool2d(op: number, dt: number, desc: number, x: number, y: number, idx: number): number;
  norm_stats(dt: number, desc: number, x: number, eps: number, mean: number, rstd: number, variance: number): number;
  norm_apply(dt: number, desc: number, x: number, mean: number, rstd: number, w: number, b: number, y: number): number;
  norm_backward(
    dt: number, desc: number, gy: number, x: number, mean: number, rstd: number, w: number, statsConst: number,
    gx: number, gw: number, gb: number,
  ): number;
  resample(dir: number, dt: number, planes: number, nd: number, desc: number, a: number, b: number): number;
  embedding_renorm(dt: number, w: number, rows: number, dim: number, idx: number, n: number, maxNorm: number, normType: number): number;
  // Areas added later register their functions here too.
  [name: string]: unknown;
}
