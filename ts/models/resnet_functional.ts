// torchvision's ResNet-18 as a function of a state dict (the keys torchvision uses),
// built from torch.nn.functional ops: loads PyTorch's own resnet18 weights as saved.

import type { Tensor } from '../tensor/tensor.js';
import * as F from '../nn/functional/index.js';
import { tidy } from '../tensor/scope.js';

export type StateDict = Record<string, Tensor>;

const fn = F as unknown as Record<string, (...a: unknown[]) => Tensor>;

function bn(sd: StateDict, prefix: string, x: Tensor, training: boolean): Tensor {
  return fn.batchNorm(
    x, sd[`${prefix}.running_mean`], sd[`${prefix}.running_var`], sd[`${prefix}.weight`], sd[`${prefix}.bias`],
    training, 0.1, 1e-5,
  );
}

function conv(sd: StateDict, name: string, x: Tensor, stride: number, padding: number): Tensor {
  return fn.conv2d(x, sd[`${name}.weight`], sd[`${name}.bias`] ?? null, stride, padding);
}

/** One BasicBlock: conv3x3-bn-relu-conv3x3-bn, plus the (downsampled) shortcut, relu. */
function basicBlock(sd: StateDict, p: string, x: Tensor, stride: number, training: boolean): Tensor {
  let out = fn.relu(bn(sd, `${p}.bn1`, conv(sd, `${p}.conv1`, x, stride, 1), training));
  out = bn(sd, `${p}.bn2`, conv(sd, `${p}.conv2`, out, 1, 1), training);
  const identity = sd[`${p}.downsample.0.weight`]
    ? bn(sd, `${p}.downsample.1`, conv(sd, `${p}.downsample.0`, x, stride, 0), training)
    : x;
  return fn.relu(out.add(identity));
}

/** The layer counts of torchvision's ResNets built from BasicBlocks. */
const BASIC_LAYERS: Record<string, number[]> = { resnet18: [2, 2, 2, 2], resnet34: [3, 4, 6, 3] };

export interface ResNetOptions {
  /** Use batch statistics and update the running ones (module.train()). */
  training?: boolean;
  /** 'resnet18' (default) or 'resnet34'. */
  arch?: 'resnet18' | 'resnet34';
}

/**
 * Logits of torchvision's resnet18/resnet34 for a batch [N, 3, H, W], with the weights
 * of a state dict loaded by torch.load. Temporaries are freed as it goes.
 * @example const logits = torch.models.resnetForward(torch.load(bytes), x);
 */
export function resnetForward(sd: StateDict, x: Tensor, options: ResNetOptions = {}): Tensor {
  const training = options.training ?? false;
  const layers = BASIC_LAYERS[options.arch ?? 'resnet18'];
  return tidy(() => {
    let h = fn.relu(bn(sd, 'bn1', conv(sd, 'conv1', x, 2, 3), training));
    h = fn.maxPool2d(h, 3, 2, 1);
    layers.forEach((blocks, li) => {
      for (let b = 0; b < blocks; b++) {
        const stride = li > 0 && b === 0 ? 2 : 1;
        h = basicBlock(sd, `layer${li + 1}.${b}`, h, stride, training);
      }
    });
    h = fn.adaptiveAvgPool2d(h, 1).flatten(1);
    return fn.linear(h, sd['fc.weight'], sd['fc.bias']);
  });
}
