// Types of legs.mjs for test/package.test.ts.
export interface PackageContext { dir: string; tarball: string; tmp: string; files: string[] }
export interface LegResult { ok: boolean; output: string }
export function preparePackage(): Promise<PackageContext>;
export function cleanup(ctx: PackageContext | undefined): void;
export const LEGS: Record<string, (ctx: PackageContext) => Promise<LegResult>>;
