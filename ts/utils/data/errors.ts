// Python's builtin exceptions that PyTorch's data utilities raise and torch has no class
// for (the torch ones, ValueError, IndexError, ..., come from tensor/shape.ts).

/** Python's AssertionError: PyTorch's datasets assert their arguments. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

/** Python's KeyError: a mapping without a key the batch's first mapping has. */
export class KeyError extends Error {
  override name = 'KeyError';
}

export function assert(condition: boolean, message: string): void {
  if (!condition) throw new AssertionError(message);
}
