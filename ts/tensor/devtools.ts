// Browser devtools show `console.log(t)` as an object tree. Chromium and Firefox ask
// each entry of `globalThis.devtoolsFormatters` for a header first (with "Enable custom
// formatters" on in the devtools settings): ours returns PyTorch's str() of a tensor, so
// the console prints it as Node's and Deno's do. JsonML: [tag, attributes, ...children].

import { isTensor } from './tensor.js';

type JsonML = [string, Record<string, unknown>, ...unknown[]];
interface DevtoolsFormatter {
  header(value: unknown): JsonML | null;
  hasBody(value: unknown): boolean;
}

export const tensorFormatter: DevtoolsFormatter = {
  header: (value) => (isTensor(value) ? ['span', { style: 'font-family: monospace; white-space: pre' }, String(value)] : null),
  hasBody: () => false,
};

/** Adds the tensor formatter to globalThis.devtoolsFormatters (once). */
export function installDevtoolsFormatter(): void {
  const g = globalThis as { devtoolsFormatters?: DevtoolsFormatter[] };
  const list = Array.isArray(g.devtoolsFormatters) ? g.devtoolsFormatters : (g.devtoolsFormatters = []);
  if (!list.includes(tensorFormatter)) list.push(tensorFormatter);
}
