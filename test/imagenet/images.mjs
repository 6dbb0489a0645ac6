// Deterministic test pictures for the ImageNet examples' tests: integer formulas (a
// ramp with stripes, a product pattern, a disc) that expected.py computes the same way
// in numpy, so PyTorch's expected values and ours start from the same pixels.

/**
 * A width x height picture, 8-bit channels interleaved row by row: 3 (RGB) or 4 (RGBA,
 * opaque). Loops in JavaScript: this makes test data, it is not an op.
 */
export function syntheticImage(width, height, channels = 4) {
  const px = new Uint8Array(width * height * channels);
  const cx = Math.floor(width / 2);
  const cy = Math.floor(height / 3);
  const rad = Math.floor(Math.min(width, height) / 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      px[o] = (x * 7 + y * 3 + (Math.floor(x / 8) % 2) * 64) % 256;
      px[o + 1] = (y * 5 + Math.floor((x * y) / 16)) % 256;
      px[o + 2] = (x - cx) ** 2 + (y - cy) ** 2 < rad * rad ? 230 : (x + 2 * y) % 256;
      if (channels === 4) px[o + 3] = 255;
    }
  }
  return px;
}
