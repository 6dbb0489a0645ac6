// The mark that makes torch.save write a plain object (or Map) as Python's
// collections.OrderedDict, the type PyTorch's state_dict() returns. A leaf module
// (no imports), so nn/module.ts can mark what stateDict() returns.

const ORDERED = Symbol('torchwasm.OrderedDict');

/**
 * Marks `obj` as an OrderedDict (a non-enumerable symbol property: keys, order and
 * `obj['fc.weight']` are unchanged) and returns it. torch.load marks the OrderedDicts
 * it reads the same way, so saving them again keeps their type.
 * @example const sd = torch.serialization.orderedDict({ 'fc.weight': w }); torch.save(sd);
 */
export function orderedDict<T extends object = Record<string, unknown>>(obj?: T): T {
  const o = obj ?? ({} as T);
  Object.defineProperty(o, ORDERED, { value: true, enumerable: false, configurable: true });
  return o;
}

/** Whether `obj` is marked as an OrderedDict. */
export function isOrderedDict(obj: unknown): boolean {
  return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, ORDERED);
}
