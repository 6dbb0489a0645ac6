// The check every runtime of the matrix runs on the built bundle: create tensors,
// compute (broadcasting, matmul, autograd, tidy), print, dispose, and read the memory
// report back at zero. Plain ES2022 so it runs unchanged in Node 20, Deno, Bun,
// Chromium and workerd.

/**
 * Runs the checks with `torch` (the namespace of dist/index.js or dist/manual.js).
 * `inspect` is the runtime's console formatter where it has one (util.inspect,
 * Deno.inspect): console.log(tensor) must show what String(tensor) shows.
 */
export function smoke(torch, inspect = null) {
  const checks = [];
  const check = (name, ok, detail) => checks.push({ name, ok: !!ok, detail: ok ? '' : String(detail) });
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  const start = torch.memory();
  check('memory report starts at zero', start.bytesInUse === 0 && start.liveTensors === 0, JSON.stringify(start));

  const a = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
  const b = torch.tensor([10, 20], { dtype: torch.float32 });
  const c = torch.tidy(() => a.add(b).mul(2));
  check('add/mul with broadcasting', same(c.tolist(), [[22, 44], [26, 48]]), JSON.stringify(c.tolist()));
  const m = a.matmul(a);
  check('matmul', same(m.tolist(), [[7, 10], [15, 22]]), JSON.stringify(m.tolist()));
  const printed = String(c);
  check('String(tensor) prints a tensor', printed.startsWith('tensor('), printed);
  if (inspect) check('console.log(tensor) prints as String(tensor)', inspect(c) === printed, inspect(c));
  check('memory report counts live tensors', torch.memory().liveTensors === 4, JSON.stringify(torch.memory()));

  const x = torch.tensor([1, 2, 3], { dtype: torch.float64, requiresGrad: true });
  torch.tidy(() => x.mul(x).sum().backward());
  check('autograd: d(sum x^2)/dx = 2x', x.grad !== null && same(x.grad.tolist(), [2, 4, 6]), x.grad && JSON.stringify(x.grad.tolist()));

  const total = torch.tidy(() => a.mul(3).add(1).sum());
  check('tidy keeps the result', total.item() === 34 && !total.isDisposed, total.item());

  for (const t of [a, b, c, m, x, total]) t.dispose();
  let threw = '';
  try {
    a.add(1);
  } catch (e) {
    threw = e instanceof Error ? e.message : String(e);
  }
  check('use after dispose throws', /disposed/.test(threw), threw || 'no error');

  const end = torch.memory();
  check('memory report back at zero', end.bytesInUse === 0 && end.liveTensors === 0 && end.liveStorages === 0, JSON.stringify(end));
  return { ok: checks.every((k) => k.ok), printed, relaxedSimdSupported: torch.relaxedSimdSupported(), checks, memory: { start, end } };
}

/** Prints a result the way the driver (run.mjs) reads it: the tensor, then one RESULT line. */
export function report(runtime, result) {
  console.log(result.printed);
  if (result.tinyGpt) console.log(`tiny GPT tokens [${result.tinyGpt.tokens}], ${result.tinyGpt.msPerToken.toFixed(3)} ms per token`);
  for (const k of result.checks) console.log(`${k.ok ? 'ok  ' : 'FAIL'} ${k.name}${k.ok ? '' : `: ${k.detail}`}`);
  console.log(`RESULT ${JSON.stringify({ runtime, ok: result.ok, relaxedSimdSupported: result.relaxedSimdSupported, threads: result.threads, checks: result.checks.length, memory: result.memory.end })}`);
}
