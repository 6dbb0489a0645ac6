// pixel_shuffle / pixel_unshuffle: pure view-and-permute rearrangements (one copy at
// the final reshape), so their gradients come from the view ops.

import { Tensor } from '../../tensor/tensor.js';
import { RuntimeError } from '../../tensor/shape.js';
import { functional } from '../composite.js';
import type { OpFn } from '../types.js';

function checkInput(op: string, input: Tensor, factor: number, name: string): void {
  if (input.ndim < 3) {
    throw new RuntimeError(`${op} expects input to have at least 3 dimensions, but got input with ${input.ndim} dimension(s)`);
  }
  if (factor <= 0) throw new RuntimeError(`${op} expects a positive ${name}, but got ${factor}`);
}

/** pixel_shuffle(input, upscale_factor): [*, C r^2, H, W] -> [*, C, H r, W r]. */
export const pixelShuffle: OpFn = functional('pixel_shuffle', 'Tensor input, int upscale_factor', (input: Tensor, r: number) => {
  checkInput('pixel_shuffle', input, r, 'upscale_factor');
  const [c, h, w] = input.shape.slice(-3);
  if (c % (r * r) !== 0) {
    throw new RuntimeError(
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`,
    );
  }
  const lead = input.shape.slice(0, -3);
  const oc = c / (r * r);
  const k = lead.length;
  const perm = [...lead.keys(), k, k + 3, k + 1, k + 4, k + 2];
  return input.reshape([...lead, oc, r, r, h, w]).permute(perm).reshape([...lead, oc, h * r, w * r]);
});

/** pixel_unshuffle(input, downscale_factor): [*, C, H r, W r] -> [*, C r^2, H, W]. */
export const pixelUnshuffle: OpFn = functional('pixel_unshuffle', 'Tensor input, int downscale_factor', (input: Tensor, r: number) => {
  checkInput('pixel_unshuffle', input, r, 'downscale_factor');
  const [c, h, w] = input.shape.slice(-3);
  if (h % r !== 0) throw new RuntimeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
  if (w % r !== 0) throw new RuntimeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
  const lead = input.shape.slice(0, -3);
  const k = lead.length;
  const perm = [...lead.keys(), k, k + 2, k + 4, k + 1, k + 3];
  return input.reshape([...lead, c, h / r, r, w / r, r]).permute(perm).reshape([...lead, c * r * r, h / r, w / r]);
});
