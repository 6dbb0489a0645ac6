// Regression tests for what the fuzz suite (test/fuzz.test.ts) found: each call here once
// trapped, threw an internal JavaScript error or a plain Error, or leaked; now it gives
// PyTorch's result or exception.
import { describe, it, expect } from 'vitest';
import { torch } from '../helpers.js';

describe('fuzz regressions', () => {
  it('a disposed tensor given to an op raises RuntimeError naming the op and the argument', () => {
    const t = torch.ones(2);
    t.dispose();
    expect(() => torch.add(torch.ones(2), t)).toThrow(torch.RuntimeError);
    expect(() => torch.add(torch.ones(2), t)).toThrow("add(): argument 'other' is a tensor that was disposed");
    expect(() => t.fmod_(2)).toThrow(torch.RuntimeError);
    expect(() => t.item()).toThrow("item(): argument 'self' is a tensor that was disposed");
  });
});
