// Compiled by test/unit/types.test.ts with `tsc --strict`: the public API has real types
// (generated from the op schemas), so correct calls compile and wrong ones do not.
// Each @ts-expect-error must meet an error, or the compile fails.
import * as torch from '../../ts/index.js';
import type { Tensor } from '../../ts/index.js';

const a: Tensor = torch.ones(2, 3);
const b: Tensor = torch.zeros([2, 3], { dtype: torch.float64 });
const c: Tensor = torch.add(a, b, { alpha: 2 });
const d: Tensor = a.matmul(b.t()).relu();
const s: Tensor = a.sum({ dim: 1, keepdim: true }).mean();
const s2: Tensor = a.sum(1, true);
const parts: Tensor[] = torch.chunk(a, 3, { dim: 1 });
const [values, indices] = torch.sort(a, 1, true);
const v: Tensor = a.topk(2).values;
const w: Tensor = torch.where(a.gt(0), a, 0);
const nz: Tensor[] = torch.where(a.gt(0));
const r: Tensor = a.view(3, 2).permute(1, 0).reshape([-1]);
const e: Tensor = torch.cat([a, b], 1).exp().clamp({ min: 0 });
const al: Tensor = a.subtract(b).clip(0, 1).swapaxes(0, 1);
const sm: Tensor = torch.softmax(a, 1);
const g: Tensor = torch.gather(a, 1, torch.zeros(2, 1, { dtype: torch.int64 }));
const m: Tensor = torch.xlogy(torch.exp(torch.gt(a, 0).float()).tril(-1), b);
a.add_(1).mul_(b);
export const used = [c, d, s, s2, parts, values, indices, v, w, nz, r, e, al, sm, g, m];

// @ts-expect-error a string is not a Tensor
torch.add('x', a);
// @ts-expect-error matmul takes a Tensor
a.matmul(3);
// @ts-expect-error keepdim is a boolean
a.sum(1, 'yes');
// @ts-expect-error an option add does not have
torch.add(a, b, { alhpa: 2 });
// @ts-expect-error sort gives (values, indices), not a Tensor
export const notATensor: Tensor = torch.sort(a);
// @ts-expect-error chunk needs the number of chunks
a.chunk();
// @ts-expect-error exp takes a Tensor
torch.exp('x');
// @ts-expect-error tril's diagonal is a number
torch.tril(a, { diagonal: '1' });
// @ts-expect-error in-place forms take no out=
a.add_(b, { out: c });

// Modules, losses, optimizers, schedulers and data loading.
class Net extends torch.nn.Module<[Tensor], Tensor> {
  declare fc1: torch.nn.Linear;
  declare fc2: torch.nn.Linear;
  constructor() {
    super();
    this.fc1 = new torch.nn.Linear(4, 8);
    this.fc2 = new torch.nn.Linear(8, 2, { bias: false });
  }
  override forward(x: Tensor): Tensor {
    return this.fc2(torch.nn.functional.relu(this.fc1(x)));
  }
}
const net = new Net();
const seq = new torch.nn.Sequential(new torch.nn.Conv2d(1, 4, 3, { stride: 1, padding: 1 }), new torch.nn.BatchNorm2d(4), new torch.nn.ReLU());
const logits: Tensor = net(torch.randn(5, 4));
const lossFn = new torch.nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
const loss: Tensor = lossFn(logits, torch.tensor([0, 1, 1, 0, 1]));
const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
const adam = new torch.optim.Adam([{ params: net.fc1.parameters(), lr: 1e-3 }, { params: net.fc2.parameters() }], { betas: [0.9, 0.99] });
const sched = new torch.optim.lr_scheduler.StepLR(opt, 10, { gamma: 0.5 });
opt.zeroGrad();
loss.backward();
opt.step();
sched.step();
const lrs: number[] = sched.getLastLr();
const sd: Record<string, Tensor> = net.stateDict();
net.loadStateDict(sd, { strict: true });
net.eval();
const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(torch.randn(8, 4), torch.arange(8)), { batchSize: 4, shuffle: true });
const resnet = torch.models.resnet18({ numClasses: 10 });
resnet.fc = new torch.nn.Linear(512, 3);
export const usedModules = [seq, adam, lrs, loader, resnet];

// @ts-expect-error a module's forward takes a Tensor
net('x');
// @ts-expect-error Linear's sizes are numbers
new torch.nn.Linear('4', 8);
// @ts-expect-error an optimizer takes parameters, not a module
new torch.optim.SGD(net, { lr: 0.1 });
// @ts-expect-error stateDict values are tensors
export const notNumber: Record<string, number> = net.stateDict();
