// rng area: behaviour records the generic runner cannot call directly.
//  - `sequence`: several calls in a row after one manual_seed.
//  - torch.nn.Linear / torch.nn.Conv2d default initialisation, built from torch.empty
//    and nn.init in reset_parameters' order (modules live in another area): weight by
//    kaiming_uniform_(a=sqrt(5)), then bias by U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

function defaultInit(torch, weightShape, outFeatures) {
  const { init } = torch.nn;
  const weight = torch.empty(weightShape, { requiresGrad: true });
  const bias = torch.empty([outFeatures], { requiresGrad: true });
  init.kaimingUniform_(weight, { a: Math.sqrt(5) });
  const [fanIn] = init._calculateFanInAndFanOut(weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  init.uniform_(bias, -bound, bound);
  return { weight, bias };
}

export const ops = {
  sequence: (torch) => ({
    rand3: torch.rand(3),
    randn20: torch.randn(20),
    randperm5: torch.randperm(5),
    rand2: torch.rand(2),
  }),
  // Linear(in_features, out_features): weight [out, in]
  'torch.nn.Linear': (torch, args) => defaultInit(torch, [args[1], args[0]], args[1]),
  // Conv2d(in_channels, out_channels, kernel_size): weight [out, in, k, k]
  'torch.nn.Conv2d': (torch, args) => {
    const [inC, outC, k] = args;
    const [kh, kw] = Array.isArray(k) ? k : [k, k];
    return defaultInit(torch, [outC, inC, kh, kw], outC);
  },
};
