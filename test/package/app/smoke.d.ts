// Types of the shared checks (smoke.mjs, using.mjs) for the TypeScript legs.
export interface Check { name: string; ok: boolean; detail: string }
export interface Result { ok: boolean; printed: string; checks: Check[]; memory: Record<string, unknown> }
export function smoke(torch: unknown, inspect?: ((x: unknown) => string) | null): Result;
export function report(runtime: string, result: Result): void;
export function usingCheck(torch: unknown, result: Result): Result;
