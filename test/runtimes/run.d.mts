// Types for run.mjs (imported by test/runtimes.test.ts).
export interface RuntimeResult {
  name: string;
  ok: boolean;
  /** The RESULT line's JSON, or null when the script printed none. */
  result: { ok: boolean; memory: { bytesInUse: number; liveTensors: number; residentBytes?: number }; [k: string]: unknown } | null;
  output: string;
  ms: number;
}
export const RUNTIMES: Record<string, string[]>;
export function runRuntime(name: string, timeoutMs?: number): Promise<RuntimeResult>;
