// torch.nn.functional convolutions: the torch.conv* ops (ts/ops/nn/conv.ts) under their F names.
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../../ops/nn/conv.js';
