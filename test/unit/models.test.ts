// torchvision models as Modules: state_dict keys, shapes and order, default init drawn
// as torchvision draws it (values from torchvision 0.14 / PyTorch 1.13 with the same
// seeds), weights from a .pt or .safetensors file, and a flat heap over inferences.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { torch } from '../helpers.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../shared/conformance/models/${name}`, import.meta.url));
const floats = (name: string): Float32Array => {
  const b = fixture(name);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const dsum = (t: torch.Tensor): number => t.double().sum().item() as number;

describe('torchvision models', () => {
  it('resnet18 after manualSeed(0) is exactly the fixture state_dict (torchvision resnet18, seed 0)', () => {
    const ref = torch.load(fixture('resnet18.pt')) as Record<string, torch.Tensor>;
    torch.manualSeed(0);
    const model = torch.models.resnet18();
    const sd = model.stateDict();
    expect(Object.keys(sd)).toEqual(Object.keys(ref));
    for (const [k, v] of Object.entries(ref)) expect(torch.equal(v, sd[k]), k).toBe(true);
    model.dispose();
  });

  it('resnet18 with the fixture weights gives PyTorch logits', () => {
    const model = torch.models.resnet18({ weights: fixture('resnet18.pt') }).eval();
    const x = torch.fromArray(floats('resnet18_input.bin'), [1, 3, 224, 224]);
    const got = torch.noGrad(() => model(x)).toTypedArray() as Float32Array;
    const want = floats('resnet18_logits.bin');
    let worst = 0;
    for (let i = 0; i < 1000; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-4);
    model.dispose();
  });

  it('weights from .safetensors bytes and from a state_dict load the same', () => {
    const sd = torch.load(fixture('resnet18.pt')) as Record<string, torch.Tensor>;
    const bytes = torch.safetensors.save(sd);
    const a = torch.models.resnet18({ weights: bytes });
    const b = torch.models.resnet18({ weights: sd });
    expect(torch.equal(a.fc.weight, b.fc.weight)).toBe(true);
    expect(torch.equal(a.layer3[1].bn2.running_var, sd['layer3.1.bn2.running_var'])).toBe(true);
    expect(() => torch.models.resnet34({ weights: sd })).toThrow(/Error\(s\) in loading state_dict for ResNet:\n\tMissing key\(s\) in state_dict: "layer1.2.conv1.weight"/);
    a.dispose();
    b.dispose();
  });

  it('torch.hub.loadStateDictFromUrl reads a file path or file: URL', async () => {
    const url = new URL('../../../shared/conformance/models/resnet18.pt', import.meta.url);
    const sd = await torch.hub.loadStateDictFromUrl(url);
    expect(Object.keys(sd).length).toBe(122);
    const again = await torch.hub.loadStateDictFromUrl(url.pathname);
    expect(torch.equal(sd['fc.bias'], again['fc.bias'])).toBe(true);
    await expect(torch.hub.loadStateDictFromUrl('/nonexistent/x.pt')).rejects.toThrow();
  });

  it('resnet50, mobilenet_v2 and vgg11_bn draw torchvision init (sums from torchvision 0.14)', () => {
    torch.manualSeed(3);
    let sd = torch.models.resnet50({ numClasses: 7 }).stateDict();
    expect(Object.keys(sd).length).toBe(320);
    expect(dsum(sd['layer4.2.conv3.weight'])).toBe(10.497454636987781);
    expect(dsum(sd['fc.weight'])).toBe(-0.497029941091796);
    expect(dsum(sd['fc.bias'])).toBe(0.0311256623826921);

    torch.manualSeed(1);
    const mb = torch.models.mobilenetV2();
    sd = mb.stateDict();
    const keys = Object.keys(sd);
    expect(keys.length).toBe(314);
    expect(keys.slice(-4)).toEqual(['features.18.1.running_var', 'features.18.1.num_batches_tracked', 'classifier.1.weight', 'classifier.1.bias']);
    expect(dsum(sd['features.18.0.weight'])).toBe(5.540182961112265);
    expect(dsum(sd['classifier.1.weight'])).toBe(12.123861084637827);
    expect(mb.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(3504872);
    expect(mb(torch.randn(2, 3, 64, 64)).shape).toEqual([2, 1000]);

    torch.manualSeed(2);
    const vgg = torch.models.vgg11Bn({ numClasses: 10 });
    sd = vgg.stateDict();
    expect(Object.keys(sd).length).toBe(62);
    expect(dsum(sd['features.0.weight'])).toBe(-1.9619166971433515);
    expect(dsum(sd['classifier.6.weight'])).toBe(0.5160800640229866);
    vgg.dispose();
    mb.dispose();
  });

  it('prints like torchvision', () => {
    const s = String(torch.models.resnet18());
    expect(s.startsWith('ResNet(\n  (conv1): Conv2d(3, 64, kernel_size=(7, 7), stride=(2, 2), padding=(3, 3), bias=False)\n')).toBe(true);
    expect(s).toContain('      (downsample): Sequential(\n        (0): Conv2d(64, 128, kernel_size=(1, 1), stride=(2, 2), bias=False)');
    expect(s.endsWith('  (fc): Linear(in_features=512, out_features=1000, bias=True)\n)')).toBe(true);
  });

  it('inference keeps the heap flat', () => {
    const model = torch.models.resnet18({ numClasses: 10 }).eval();
    const x = torch.randn(1, 3, 32, 32);
    const infer = (): void => torch.tidy(() => void torch.noGrad(() => model(x)));
    for (let i = 0; i < 5; i++) infer();
    const before = torch.memory();
    for (let i = 0; i < 1000; i++) infer();
    const after = torch.memory();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveTensors).toBe(before.liveTensors);
    model.dispose();
  });
});
