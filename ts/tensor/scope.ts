// Scopes free the tensors created inside a function except what it returns:
// tidy() for users (TensorFlow.js's helper), scoped() for ops, whose internal
// temporaries must not wait for the garbage collector.

import type { Tensor } from './tensor.js';

// The innermost scope collects every new tensor; a null entry pauses collection.
const scopes: (Tensor[] | null)[] = [];

/** Called by the Tensor constructor. */
export function track(t: Tensor): void {
  const n = scopes.length;
  if (n > 0) scopes[n - 1]?.push(t);
}

/** Takes `t` out of every enclosing scope, so tidy() does not free it. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) {
    if (!s) continue;
    const i = s.lastIndexOf(t);
    if (i >= 0) s.splice(i, 1);
  }
  return t;
}

/** @internal Starts collecting the tensors created from now on (null: collect none). */
export function pushScope(scope: Tensor[] | null): void {
  scopes.push(scope);
}

/** @internal Ends the innermost scope; `moveUp` tensors go to the enclosing one. */
export function popScope(moveUp: Iterable<Tensor> = []): void {
  scopes.pop();
  const parent = scopes[scopes.length - 1];
  if (parent) for (const t of moveUp) parent.push(t);
}

/** Whether a result is a container tidy() looks into: an array, a Map or a plain object. */
const isContainer = (x: object): boolean =>
  Array.isArray(x) || x instanceof Map || Object.getPrototypeOf(x) === Object.prototype;

/**
 * Adds the objects that `x` is or contains (through arrays, Maps and plain objects) to
 * `into`. These are the tensors a result holds, and possibly other objects, which no
 * scope holds, so they keep nothing alive (scopes need not import Tensor).
 */
function collect(x: unknown, into: Set<object>, depth = 0): void {
  if (depth > 8 || x === null || typeof x !== 'object') return;
  if (!isContainer(x)) {
    into.add(x);
  } else if (Array.isArray(x)) {
    for (const v of x) collect(v, into, depth + 1);
  } else if (x instanceof Map) {
    for (const v of x.values()) collect(v, into, depth + 1);
  } else {
    for (const v of Object.values(x)) collect(v, into, depth + 1);
  }
}

/** Disposes the scope's tensors except `result`'s; the kept ones move to the parent scope. */
function close(scope: Tensor[], result: unknown): void {
  scopes.pop();
  if (scope.length === 0) return;
  const parent = scopes[scopes.length - 1];
  if (result !== null && typeof result === 'object' && !isContainer(result)) {
    // the common op case: one tensor out, no set needed
    for (let i = 0; i < scope.length; i++) {
      const t = scope[i];
      if (t === result) parent?.push(t);
      else t.dispose();
    }
    return;
  }
  let kept: Set<object> | null = null;
  if (result !== null && typeof result === 'object') {
    kept = new Set();
    collect(result, kept);
  }
  for (const t of scope) {
    if (kept !== null && kept.has(t)) parent?.push(t);
    else t.dispose();
  }
}

/**
 * Runs `fn` and disposes every tensor created during it, except the tensors it
 * returns (directly, or inside arrays, Maps and plain objects) and those passed to
 * keep(). Returned tensors move to the enclosing scope.
 *
 * @example
 * const y = torch.tidy(() => x.mul(2).add(1)); // the x.mul(2) temporary is freed
 */
export function tidy<T>(fn: () => T): T {
  const scope: Tensor[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    close(scope, null);
    throw e;
  }
  if (result instanceof Promise) {
    close(scope, null);
    throw new Error('tidy(): the function must be synchronous (it returned a Promise)');
  }
  close(scope, result);
  return result;
}

// Op scopes reuse one array per nesting depth: running an op allocates no scope.
const pool: Tensor[][] = [];
let depth = 0;

/** @internal Opens an op scope; every tensor created until closeScope is collected. */
export function openScope(): Tensor[] {
  const scope = pool[depth] ?? (pool[depth] = []);
  depth++;
  scopes.push(scope);
  return scope;
}

/** @internal Closes the innermost op scope: disposes its tensors except those in `result`. */
export function closeScope(scope: Tensor[], result: unknown): void {
  try {
    close(scope, result);
  } finally {
    scope.length = 0;
    depth--;
  }
}

/** @internal tidy() for op implementations (synchronous functions only). */
export function scoped<T>(fn: () => T): T {
  const scope = openScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeScope(scope, null);
    throw e;
  }
  closeScope(scope, result);
  return result;
}
