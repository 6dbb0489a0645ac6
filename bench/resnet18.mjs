// torchvision's ResNet-18 (eval mode) written with our functional ops, over a
// state_dict of tensors (the keys of /work/shared/conformance/models/resnet18.pt).

import { existsSync } from 'node:fs';

export const RESNET18_PT = process.env.RESNET18_PT ?? '/work/shared/conformance/models/resnet18.pt';

/** The state_dict as {name: Tensor}, or null while the runtime has no .pt reader. */
export async function loadResnet18Params(torch) {
  if (typeof torch.load !== 'function' || !existsSync(RESNET18_PT)) return null;
  const sd = await torch.load(RESNET18_PT);
  return sd instanceof Map ? Object.fromEntries(sd) : sd;
}

export function resnet18Forward(torch, P, x) {
  const F = torch.nn.functional;
  const relu = F.relu ?? torch.relu;
  if (typeof relu !== 'function') throw new Error('n/a: relu is not in this build');
  const bn = (t, p) => F.batchNorm(t, P[`${p}.running_mean`], P[`${p}.running_var`], { weight: P[`${p}.weight`], bias: P[`${p}.bias`], training: false, eps: 1e-5 });
  const block = (t, p, stride) => {
    let out = relu(bn(F.conv2d(t, P[`${p}.conv1.weight`], null, { stride, padding: 1 }), `${p}.bn1`));
    out = bn(F.conv2d(out, P[`${p}.conv2.weight`], null, { padding: 1 }), `${p}.bn2`);
    const id = P[`${p}.downsample.0.weight`] ? bn(F.conv2d(t, P[`${p}.downsample.0.weight`], null, { stride }), `${p}.downsample.1`) : t;
    return relu(out.add(id));
  };
  let h = relu(bn(F.conv2d(x, P['conv1.weight'], null, { stride: 2, padding: 3 }), 'bn1'));
  h = F.maxPool2d(h, 3, { stride: 2, padding: 1 });
  for (const [layer, stride] of [[1, 1], [2, 2], [3, 2], [4, 2]]) {
    h = block(h, `layer${layer}.0`, stride);
    h = block(h, `layer${layer}.1`, 1);
  }
  h = F.adaptiveAvgPool2d(h, 1).flatten(1);
  return F.linear(h, P['fc.weight'], P['fc.bias']);
}
