// ImageNet classification with torchvision's preprocessing, shared by the web demo's
// Web Worker (examples/web/worker.mjs), the Cloudflare Worker (examples/worker/) and
// their tests. Plain ES2022 that takes the torch namespace as an argument, like
// tiny_gpt_model.mjs, so the same file runs in browsers, workerd and Node.

/** torchvision's ImageNet normalisation (transforms.Normalize of the IMAGENET1K weights). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Python's round(): a half goes to the even neighbour (torchvision's center_crop rounds so). */
function pyRound(x) {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The [height, width] torchvision's resize gives an image when `size` is the shorter
 * edge's new length (_compute_resized_output_size): the longer edge keeps the aspect
 * ratio, truncated.
 */
export function resizedSize(height, width, size) {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((size * long) / short);
  return width <= height ? [newLong, size] : [size, newLong];
}

/**
 * The model input torchvision's `ResNet18_Weights.IMAGENET1K_V1.transforms()` makes from
 * a uint8 image tensor (torchvision 0.14, whose tensor resize has antialias=False): the
 * shorter edge resized to `resizeSize` (bilinear, align_corners=False, rounded back to
 * 8-bit values as torchvision casts to uint8), the central `cropSize` square, values
 * scaled to [0, 1] and normalised with the ImageNet mean and std. Every step is a torch
 * op; nothing loops over pixels in JavaScript.
 *
 * `pixels`: 8-bit channels, interleaved, row-major (canvas getImageData's RGBA, or raw
 * RGB), `channels` per pixel (3 or 4; a fourth, alpha, is dropped).
 * Returns a float32 tensor of shape (1, 3, cropSize, cropSize).
 */
export function preprocess(torch, pixels, width, height, options = {}) {
  const { channels = 4, resizeSize = 256, cropSize = 224, maxPixels = 4096 * 4096 } = options;
  for (const [name, v] of [['width', width], ['height', height]]) {
    if (!Number.isInteger(v) || v < 1) throw new torch.ValueError(`preprocess(): ${name} must be a positive integer, got ${v}`);
  }
  if (channels !== 3 && channels !== 4) throw new torch.ValueError(`preprocess(): channels must be 3 (RGB) or 4 (RGBA), got ${channels}`);
  const bytes = pixels instanceof Uint8Array ? pixels : new Uint8Array(pixels.buffer ?? pixels, pixels.byteOffset ?? 0, pixels.byteLength);
  const expected = width * height * channels;
  if (bytes.length !== expected) {
    throw new torch.ValueError(`preprocess(): a ${width}x${height} image with ${channels} channels has ${expected} bytes, got ${bytes.length}`);
  }
  const [h, w] = resizedSize(height, width, resizeSize);
  if (width * height > maxPixels || h * w > maxPixels) {
    throw new torch.ValueError(`preprocess(): a ${width}x${height} image (resized to ${w}x${h}) is larger than ${maxPixels} pixels`);
  }
  return torch.tidy(() => {
    const hwc = torch.empty([height, width, channels], { dtype: torch.uint8 });
    hwc.asTypedArray().set(bytes); // one copy into wasm memory
    let img = hwc.narrow(2, 0, 3).permute(2, 0, 1).unsqueeze(0).to(torch.float32); // (1, 3, H, W)
    if (h !== height || w !== width) {
      img = torch.nn.functional.interpolate(img, { size: [h, w], mode: 'bilinear', alignCorners: false }).round();
    }
    img = centerCrop(torch, img, cropSize);
    const mean = torch.tensor(IMAGENET_MEAN, { dtype: torch.float32 }).view(1, 3, 1, 1);
    const std = torch.tensor(IMAGENET_STD, { dtype: torch.float32 }).view(1, 3, 1, 1);
    return img.div(255).sub(mean).div(std).contiguous();
  });
}

/** torchvision's center_crop of an (N, C, H, W) tensor: zero padding first when the image is smaller. */
function centerCrop(torch, img, size) {
  const [height, width] = img.shape.slice(2);
  if (size > width || size > height) {
    const padW = Math.max(size - width, 0);
    const padH = Math.max(size - height, 0);
    img = torch.nn.functional.pad(img, [padW >> 1, (padW + 1) >> 1, padH >> 1, (padH + 1) >> 1]);
  }
  const [h, w] = img.shape.slice(2);
  return img.narrow(2, pyRound((h - size) / 2), size).narrow(3, pyRound((w - size) / 2), size);
}

/**
 * The `k` most probable classes of a (1, classes) logits tensor: [{ index, probability }],
 * most probable first (softmax over the classes, then topk).
 */
export function topK(torch, logits, k = 5) {
  return torch.tidy(() => {
    const probs = logits.softmax(1).select(0, 0);
    const [values, indices] = probs.topk(Math.min(k, probs.shape[0]));
    const p = values.tolist();
    return indices.tolist().map((index, i) => ({ index, probability: p[i] }));
  });
}

/**
 * Runs `model` (in eval mode) on `input` without recording a graph: { top (the `k` most
 * probable classes, each with a `label` from `classes` when the model has as many
 * outputs as there are names, `class <i>` otherwise), classes (the model's outputs), ms
 * (the forward pass and softmax) }.
 */
export function classify(torch, model, input, classNames, k = 5) {
  const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
  const t0 = now();
  const [top, classes] = torch.inferenceMode(() => torch.tidy(() => {
    const logits = model(input);
    return [topK(torch, logits, k), logits.shape[1]];
  }));
  const ms = now() - t0;
  const named = classNames && classNames.length === classes;
  return { top: top.map((c) => ({ ...c, label: named ? classNames[c.index] : `class ${c.index}` })), classes, ms };
}

/**
 * The byte size and count of a module's parameters and buffers, non-persistent ones
 * included (what stays in wasm memory while it lives).
 */
export function moduleFootprint(model) {
  let bytes = 0;
  let tensors = 0;
  for (const t of new Set([...model.parameters(), ...model.buffers()])) {
    bytes += t.numel() * t.elementSize();
    tensors++;
  }
  return { bytes, tensors };
}
