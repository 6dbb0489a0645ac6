// Grad mode: whether ops record the graph. noGrad/enableGrad/setGradEnabled/inferenceMode.

let enabled = true;
let inference = false;

export const isGradEnabled = (): boolean => enabled;
export const isInferenceModeEnabled = (): boolean => inference;

export function setGradEnabled(mode: boolean): void {
  enabled = mode;
}

function withMode<T>(grad: boolean, inf: boolean, fn: () => T): T {
  const [g, i] = [enabled, inference];
  enabled = grad;
  inference = inf;
  try {
    const r = fn();
    if (r instanceof Promise) {
      return r.finally(() => {
        enabled = g;
        inference = i;
      }) as T;
    }
    enabled = g;
    inference = i;
    return r;
  } catch (e) {
    enabled = g;
    inference = i;
    throw e;
  }
}

/**
 * Runs `fn` without recording the graph (PyTorch's `with torch.no_grad():`).
 * @example const y = torch.noGrad(() => w.mul(2)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, inference, fn);
}

/** Runs `fn` with graph recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, inference, fn);
}

/** Like noGrad; tensors made inside are inference tensors in PyTorch (here: plain tensors without grad). */
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(a: boolean | (() => T), b?: () => T): T {
  const mode = typeof a === 'boolean' ? a : true;
  const fn = (typeof a === 'function' ? a : b) as () => T;
  return mode ? withMode(false, true, fn) : withMode(enabled, false, fn);
}
