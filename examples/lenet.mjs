// A feed-forward network described by one line of text, as mnist.json's `architecture`:
//
//   conv1 Conv2d(1,8,5) -> relu -> max_pool2d(2) -> conv2 Conv2d(8,16,5) -> relu
//     -> max_pool2d(2) -> flatten -> fc1 Linear(256,64) -> relu -> fc2 Linear(64,10)
//
// Steps run in order on the running value. A named step (`conv1 Conv2d(1,8,5)`) is a
// torch.nn layer registered under that name, so the state_dict keys are the ones of
// the PyTorch model that wrote the text (`conv1.weight`, `fc2.bias`). An unnamed step
// (`relu`, `max_pool2d(2)`, `flatten`) is the stateless torch.nn layer of that name
// (underscores and case ignored: ReLU, MaxPool2d(2), Flatten()), kept out of the
// state_dict as PyTorch's forward() calls to F.relu / F.max_pool2d / flatten(1) are.
// Numeric arguments only (positional, or `name=value`). Plain ES2022 taking the torch
// namespace as an argument, so it runs wherever dist/ does.

/** '1,8,5' / 'kernel_size=2, stride=2' -> [[1, 8, 5], {}] / [[], { kernelSize: 2, stride: 2 }]. */
function parseArgs(text, step) {
  const positional = [];
  const keywords = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(?:([A-Za-z_]\w*)\s*=\s*)?(.+)$/.exec(part);
    const value = m[2] === 'True' ? true : m[2] === 'False' ? false : Number(m[2]);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new SyntaxError(`architecture step '${step}': argument '${part}' is not a number`);
    if (m[1]) keywords[m[1].replace(/_([a-z0-9])/g, (_s, c) => c.toUpperCase())] = value;
    else positional.push(value);
  }
  return [positional, keywords];
}

/**
 * The steps of an architecture line: [{ name (null when unnamed), layer (the text's
 * name), args, kwargs }], in order.
 * @example parseArchitecture('fc Linear(4,2) -> relu')
 * // [{ name: 'fc', layer: 'Linear', args: [4, 2], kwargs: {} }, { name: null, layer: 'relu', args: [], kwargs: {} }]
 */
export function parseArchitecture(text) {
  return text.split('->').map((raw) => {
    const step = raw.trim();
    const m = /^(?:([A-Za-z_]\w*)\s+)?([A-Za-z_]\w*)\s*(?:\((.*)\))?$/.exec(step);
    if (!m) throw new SyntaxError(`architecture step '${step}': expected 'name Layer(args)' or 'layer(args)'`);
    const [args, kwargs] = parseArgs(m[3] ?? '', step);
    return { name: m[1] ?? null, layer: m[2], args, kwargs };
  });
}

/** torch.nn's layer class for a step's layer name: exact, else ignoring case and underscores. */
function layerClass(torch, layer) {
  const key = (s) => s.replace(/_/g, '').toLowerCase();
  const found = torch.nn[layer] ?? Object.entries(torch.nn).find(([k]) => /^[A-Z]/.test(k) && key(k) === key(layer))?.[1];
  if (typeof found !== 'function' || !(found.prototype instanceof torch.nn.Module)) {
    throw new SyntaxError(`architecture step '${layer}': torch.nn has no layer of that name`);
  }
  return found;
}

const classes = new WeakMap();

/** The ArchitectureNet class over one torch namespace (made once per namespace). */
function netClass(torch) {
  if (classes.has(torch)) return classes.get(torch);
  class ArchitectureNet extends torch.nn.Module {
    /** architecture: the text above; layers start with PyTorch's default initialisation. */
    constructor(architecture) {
      super();
      const steps = parseArchitecture(architecture);
      const names = new Set();
      // unnamed layers hold no state: a plain array, not registered as children
      const layers = [];
      for (const s of steps) {
        const Layer = layerClass(torch, s.layer);
        const layer = Object.keys(s.kwargs).length ? new Layer(...s.args, s.kwargs) : new Layer(...s.args);
        if (s.name === null) {
          if (layer.parameters().length || layer.buffers().length) {
            throw new SyntaxError(`architecture step '${s.layer}': a layer with parameters or buffers needs a name`);
          }
        } else {
          if (names.has(s.name)) throw new SyntaxError(`architecture: the name '${s.name}' is used twice`);
          names.add(s.name);
          this[s.name] = layer; // registered: its parameters are `${name}.weight`, ...
        }
        layers.push(layer);
      }
      Object.defineProperty(this, 'layers', { value: layers, enumerable: false });
    }

    forward(x) {
      return torch.tidy(() => this.layers.reduce((h, layer) => layer(h), x));
    }

    /** Unnamed layers follow the mode too (a Dropout step behaves as in PyTorch's forward). */
    train(mode = true) {
      super.train(mode);
      for (const layer of this.layers ?? []) layer.train(mode);
      return this;
    }
  }
  classes.set(torch, ArchitectureNet);
  return ArchitectureNet;
}

/**
 * A torch.nn.Module running the architecture line's steps.
 * @example
 * const net = createNet(torch, 'conv1 Conv2d(1,8,5) -> relu -> max_pool2d(2) -> flatten -> fc Linear(1152,10)');
 * net(torch.zeros(2, 1, 28, 28)).shape; // [2, 10]
 */
export function createNet(torch, architecture) {
  const ArchitectureNet = netClass(torch);
  return new ArchitectureNet(architecture);
}
