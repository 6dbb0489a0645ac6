// Python's warnings show a UserWarning once per call site; ours show each message once.

const shown = new Set<string>();

/** console.warn(`UserWarning: ${message}`) the first time this message is warned. */
export function warnOnce(message: string): void {
  if (shown.has(message)) return;
  shown.add(message);
  console.warn(`UserWarning: ${message}`);
}
