import { defineConfig } from 'vitest/config';

// Tests import the built bundle (dist/), the thing users get: run ./build.sh first
// (npm test does). Kernel tests for the crate run with `cargo test`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/runtimes/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // --expose-gc lets the memory tests watch the FinalizationRegistry free tensors
    execArgv: ['--expose-gc'],
  },
});
