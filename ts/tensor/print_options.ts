// torch.set_printoptions: the options tensor printing reads (torch/_tensor_str.py PRINT_OPTS).

import { ValueError } from './shape.js';

export interface PrintOptions {
  /** Digits after the decimal point of floating values (default 4). */
  precision: number;
  /** Tensors with more elements than this are summarised (default 1000). */
  threshold: number;
  /** Items shown at each end of a summarised dim (default 3). */
  edgeitems: number;
  /** Characters per line before a row wraps (default 80). */
  linewidth: number;
  /** true/false forces scientific notation on/off; null lets the formatter choose. */
  sciMode: boolean | null;
}

export interface SetPrintOptions extends Partial<PrintOptions> {
  /** 'default', 'short' or 'full': a preset the other options then override. */
  profile?: string | null;
}

export const PRINT_OPTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };

const PROFILES: Record<string, Omit<PrintOptions, 'sciMode'>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};

const KEYS = ['precision', 'threshold', 'edgeitems', 'linewidth', 'profile', 'sciMode'];

function checkCount(name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new ValueError(`set_printoptions(): ${name} must be a non-negative integer, got ${String(v)}`);
  }
  return v;
}

/**
 * torch.set_printoptions({ precision, threshold, edgeitems, linewidth, profile, sciMode }).
 * As in PyTorch, a profile is applied first, options left out keep their value, and
 * sciMode is reset to automatic (null) unless given.
 */
export function setPrintoptions(options: SetPrintOptions = {}): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`set_printoptions(): expected an options object, got ${String(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!KEYS.includes(k)) throw new TypeError(`set_printoptions() got an unexpected keyword argument '${k}'`);
  }
  const precision = checkCount('precision', options.precision);
  const edgeitems = checkCount('edgeitems', options.edgeitems);
  const linewidth = checkCount('linewidth', options.linewidth);
  const { threshold, profile, sciMode } = options;
  if (threshold !== undefined && threshold !== null && (typeof threshold !== 'number' || Number.isNaN(threshold))) {
    throw new ValueError(`set_printoptions(): threshold must be a number, got ${String(threshold)}`);
  }
  if (sciMode !== undefined && sciMode !== null && typeof sciMode !== 'boolean') {
    throw new TypeError(`set_printoptions(): sciMode must be a boolean or null, got ${String(sciMode)}`);
  }
  if (profile !== undefined && profile !== null && typeof profile !== 'string') {
    throw new TypeError(`set_printoptions(): profile must be 'default', 'short' or 'full', got ${String(profile)}`);
  }
  // PyTorch ignores an unknown profile name silently; so do we.
  if (profile && Object.hasOwn(PROFILES, profile)) Object.assign(PRINT_OPTS, PROFILES[profile]);
  if (precision !== undefined) PRINT_OPTS.precision = precision;
  if (threshold !== undefined && threshold !== null) PRINT_OPTS.threshold = threshold;
  if (edgeitems !== undefined) PRINT_OPTS.edgeitems = edgeitems;
  if (linewidth !== undefined) PRINT_OPTS.linewidth = linewidth;
  PRINT_OPTS.sciMode = sciMode ?? null;
}

/** The current print options (a copy). */
export function getPrintoptions(): PrintOptions {
  return { ...PRINT_OPTS };
}
