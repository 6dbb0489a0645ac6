// Type-checks against the package's declarations (tsconfig.bundler.json, tsconfig.node16.json).
import * as torch from 'torchwasm';
import { init, type WasmSource, type InitOptions } from 'torchwasm/manual';

const x: torch.Tensor = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float32 });
const dtype: torch.DType = x.dtype;
const report: torch.MemoryReport = torch.memory();
const bytes: number = report.bytesInUse;
const lin = new torch.nn.Linear(2, 3, { bias: false });
const weight: torch.nn.Parameter = lin.weight;
const named: [string, torch.nn.Parameter][] = lin.namedParameters();
const sources: WasmSource[] = [new Uint8Array(8), new URL('file:///torch.wasm'), '/torch.wasm'];
const options: InitOptions = { relaxed: false };
const pending: Promise<void> = init(sources[0], options);
class Err extends torch.RuntimeError {}
void [dtype, bytes, weight, named, pending, Err];
