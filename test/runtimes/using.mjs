// `using` declarations free tensors at the end of a block. Only for runtimes with the
// syntax (Deno, Bun, Chromium, workerd); Node 20 cannot parse this file.

/** Appends a check that `using` disposed a tensor when its block ended. */
export function usingCheck(torch, result) {
  const before = torch.memory().bytesInUse;
  let inside = 0;
  {
    using t = torch.ones(16);
    inside = torch.memory().bytesInUse - before;
    t.sum().dispose();
  }
  const after = torch.memory().bytesInUse - before;
  const ok = inside === 64 && after === 0;
  result.checks.push({ name: '`using` frees at block end', ok, detail: ok ? '' : `inside ${inside} bytes, after ${after}` });
  result.ok = result.ok && ok;
  return result;
}
