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
  crc32(crc: number, p: number, n: number): number;
  gather(dt: number, nd: number, desc: number, o: number, idx: number, a: number, dimStride: number, dimSize: number): number;
  scatter(mode: number, dt: number, nd: number, desc: number, s: number, idx: number, src: number, dimStride: number, dimSize: number): number;
  index_offsets(idxDt: number, nd: number, desc: number, offs: number, idx: number, size: number, stride: number, init: number, wrap: number): number;
  index_gather(dt: number, nd: number, desc: number, o: number, a: number, offs: number): number;
  index_put(accumulate: number, dt: number, nd: number, desc: number, s: number, v: number, offs: number): number;
  nonzero(dt: number, nd: number, desc: number, a: number, out: number, limit: number): number;
  repeat_interleave_counts(n: number, counts: number, stride: number, out: number, total: number): number;
  triangle(
    upper: number, k: number, dt: number, nd: number, desc: number, rows: number, cols: number,
    o: number, os0: number, os1: number, a: number, as0: number, as1: number,
  ): number;
  sort_lines(
    dt: number, nd: number, desc: number, len: number, k: number, sv: number, si: number, sa: number,
    vals: number, idx: number, a: number, descending: number,
  ): number;
  sort_rows(dt: number, n: number, m: number, a: number, perm: number): number;
  unique_consecutive(dt: number, n: number, m: number, a: number, perm: number, out: number, inverse: number, counts: number): number;
  // linalg decompositions (crate/src/abi/linalg_decomp.rs)
  linalg_error_batch(): number;
  linalg_error_info(): number;
  linalg_det(dt: number, mode: number, nd: number, desc: number, n: number, a: number, rsa: number, csa: number, o1: number, o2: number): number;
  linalg_inv(dt: number, nd: number, desc: number, n: number, a: number, rsa: number, csa: number, o: number, rso: number, cso: number): number;
  linalg_solve(
    dt: number, nd: number, desc: number, n: number, k: number,
    a: number, rsa: number, csa: number, b: number, rsb: number, csb: number, x: number, rsx: number, csx: number,
  ): number;
  linalg_solve_triangular(
    dt: number, flags: number, nd: number, desc: number, n: number, k: number,
    t: number, rst: number, cst: number, b: number, rsb: number, csb: number, x: number, rsx: number, csx: number,
  ): number;
  linalg_cholesky(dt: number, upper: number, nd: number, desc: number, n: number, a: number, rsa: number, csa: number, o: number, rso: number, cso: number): number;
  linalg_qr(
    dt: number, mode: number, nd: number, desc: number, m: number, n: number,
    a: number, rsa: number, csa: number, q: number, rsq: number, csq: number, r: number, rsr: number, csr: number,
  ): number;
  linalg_svd(
    dt: number, flags: number, nd: number, desc: number, m: number, n: number,
    a: number, rsa: number, csa: number, u: number, rsu: number, csu: number, s: number, ss: number, vh: number, rsv: number, csv: number,
  ): number;
  linalg_eigh(
    dt: number, flags: number, nd: number, desc: number, n: number,
    a: number, rsa: number, csa: number, w: number, sw: number, v: number, rsv: number, csv: number,
  ): number;
  select_line(op: number, dt: number, nd: number, desc: number, len: number, si: number, vals: number, idx: number, a: number, k: number): number;
  line_grad(op: number, dt: number, nd: number, desc: number, len: number, so: number, sx: number, sg: number, o: number, x: number, g: number): number;
  ew_ternary(op: number, dt: number, nd: number, desc: number, o: number, a: number, b: number, c: number, p: number): number;
  conv2d(kind: number, dt: number, geom: number, a: number, b: number, bias: number, out: number): number;
  pool2d(op: number, dt: number, desc: number, x: number, y: number, idx: number): number;
  norm_stats(dt: number, desc: number, x: number, eps: number, mean: number, rstd: number, variance: number): number;
  norm_apply(dt: number, desc: number, x: number, mean: number, rstd: number, w: number, b: number, y: number): number;
  attention_forward(dt: number, desc: number, q: number, k: number, v: number, mask: number, out: number, scale: number): number;
  attention_backward(dt: number, desc: number, q: number, k: number, v: number, mask: number, dout: number, dq: number, dk: number, dv: number, scale: number): number;
  encoder_layer_forward(dt: number, desc: number, params: number, x: number, mask: number, out: number, eps: number): number;
  norm_backward(
    dt: number, desc: number, gy: number, x: number, mean: number, rstd: number, w: number, statsConst: number,
    gx: number, gw: number, gb: number,
  ): number;
  resample(dir: number, dt: number, planes: number, nd: number, desc: number, a: number, b: number): number;
  embedding_renorm(dt: number, w: number, rows: number, dim: number, idx: number, n: number, maxNorm: number, normType: number): number;
  // losses (crate/src/abi/loss.rs)
  cross_entropy_forward(
    dt: number, outer: number, classes: number, inner: number, x: number, target: number, weight: number, ignoreIndex: bigint,
    smoothing: number, loss: number, rowWeight: number, stats: number, exps: number,
  ): number;
  cross_entropy_backward(
    dt: number, outer: number, classes: number, inner: number, x: number, target: number, weight: number, ignoreIndex: bigint,
    smoothing: number, stats: number, exps: number, g: number, gStride: number, gx: number,
  ): number;
  rnn_layer_forward(
    dt: number, desc: number, steps: number, batchSizes: number, gi: number, h0: number, c0: number, wHh: number, bHh: number,
    wHr: number, out: number, hn: number, cn: number, ws: number,
  ): number;
  rnn_layer_backward(
    dt: number, desc: number, steps: number, batchSizes: number, ws: number, out: number, wHh: number, wHr: number,
    gout: number, ghn: number, gcn: number, dGi: number, dh0: number, dc0: number, dwHh: number, dbHh: number, dwHr: number,
  ): number;
  // Areas added later register their functions here too.
  // random (crate/src/abi/random.rs): g is a generator's address
  rng_new(seed: bigint): number;
  rng_free(g: number): void;
  rng_manual_seed(g: number, seed: bigint): void;
  rng_initial_seed(g: number): bigint;
  rng_random(g: number): number;
  rng_random64(g: number): bigint;
  rng_state_bytes(): number;
  rng_get_state(g: number, out: number): void;
  rng_set_state(g: number, src: number, n: number): number;
  rng_uniform(g: number, dt: number, nd: number, desc: number, p: number, from: number, to: number): number;
  rng_normal(g: number, dt: number, block: number, nd: number, desc: number, p: number, mean: number, std: number): number;
  rng_random_from_to(g: number, dt: number, nd: number, desc: number, p: number, range: bigint, base: bigint): number;
  rng_random_full(g: number, dt: number, nd: number, desc: number, p: number): number;
  rng_random_bits(g: number, dt: number, nd: number, desc: number, p: number): number;
  rng_transform(g: number, kind: number, dt: number, nd: number, desc: number, p: number, a: number, b: number): number;
  rng_bernoulli_tensor(g: number, dt: number, dtp: number, nd: number, desc: number, o: number, p: number): number;
  rng_randperm(g: number, dt: number, p: number, stride: number, n: bigint): number;
  rng_multinomial(
    g: number, dt: number, mode: number, p: number, rows: number, cols: number, s0: number, s1: number, nSample: number, out: number,
  ): number;
  // fused optimizer steps (crate/src/abi/optim.rs)
  optim_sgd(dt: number, n: number, p: number, g: number, buf: number, flags: number, lr: number, momentum: number, dampening: number, weightDecay: number): number;
  optim_adam(
    dt: number, n: number, p: number, g: number, m: number, v: number, vmax: number, flags: number,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, stepSize: number, biasCorrection2Sqrt: number,
  ): number;
  [name: string]: unknown;
}
