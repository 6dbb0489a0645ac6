// The tarball test (issue 12): `npm pack`, install the tarball into a fresh project
// (offline, one install shared by every leg), then use the package from Node ESM,
// TypeScript (moduleResolution bundler and node16), Deno (npm: specifier), Bun, an
// esbuild browser bundle in Chromium, and a bundled Cloudflare Worker in workerd.
// Needs the built dist/ (./build.sh). Legs: test/package/legs.mjs.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { LEGS, preparePackage, cleanup, type PackageContext } from './package/legs.mjs';

describe('package tarball, installed into an empty project', () => {
  let ctx: PackageContext;
  beforeAll(async () => {
    ctx = await preparePackage();
  }, 240_000);
  afterAll(() => cleanup(ctx));

  it('ships the bundles, the three wasm variants and the declarations, and nothing else', () => {
    const files = ctx.files.filter((f) => !f.startsWith('dist/types/'));
    expect(files.sort()).toEqual(['README.md', 'dist/index.js', 'dist/manual.js', 'dist/torch-relaxed.wasm', 'dist/torch-threads.wasm', 'dist/torch.wasm', 'package.json']);
    expect(ctx.files).toContain('dist/types/index.d.ts');
    expect(ctx.files).toContain('dist/types/manual.d.ts');
    expect(ctx.files.filter((f) => f.startsWith('dist/types/') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  for (const [name, leg] of Object.entries(LEGS)) {
    it(name, async () => {
      const r = await leg(ctx);
      expect(r.ok, `${name} failed:\n${r.output}`).toBe(true);
    }, 120_000);
  }
});
