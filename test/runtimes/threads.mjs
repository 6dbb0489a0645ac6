// The worker pool in each runtime of the matrix: how many threads take tasks once the
// workers started, and a product large enough to split gives the same bits on one
// thread and on all of them. Adds a check to `result` and its thread count.

export async function threadsCheck(torch, result) {
  const threads = await torch.threadsReady();
  const bits = (t) => Array.from(new Uint32Array(t.toTypedArray().slice().buffer));
  const n = torch.getNumThreads();
  torch.manualSeed(1);
  const a = torch.randn(200, 300), b = torch.randn(300, 250);
  torch.setNumThreads(1);
  const one = torch.tidy(() => bits(a.matmul(b)));
  torch.setNumThreads(n);
  const many = torch.tidy(() => bits(a.matmul(b)));
  a.dispose();
  b.dispose();
  const same = one.length === many.length && one.every((v, i) => v === many[i]);
  result.checks.push({ name: `matmul on ${threads} thread(s) gives one thread's bits`, ok: same, detail: same ? '' : 'results differ' });
  result.ok = result.ok && same;
  result.threads = threads;
  result.memory.end = torch.memory();
  return result;
}
