// Python's warnings.warn with its default filter: a UserWarning prints once per
// message text (the registry of the call site that issues it).

const shown = new Set<string>();

export function warnOnce(message: string, category = 'UserWarning'): void {
  const key = `${category}: ${message}`;
  if (shown.has(key)) return;
  shown.add(key);
  console.warn(key);
}
