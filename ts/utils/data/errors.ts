// Python's AssertionError, which PyTorch's datasets raise on bad arguments (the other
// Python exceptions, ValueError, KeyError, ..., come from tensor/shape.ts).

/** Python's AssertionError: PyTorch's datasets assert their arguments. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: boolean, message: string): void {
  if (!condition) throw new AssertionError(message);
}
