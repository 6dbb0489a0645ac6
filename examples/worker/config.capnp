# workerd configuration of the Worker example: `npx workerd serve examples/worker/config.capnp`
# (after `npm run build`) answers on http://127.0.0.1:8787/ (`--socket-addr http=<addr>`
# moves it). Paths are relative to this file.
#
# Module names mirror examples/: the worker imports '../imagenet.mjs' as it would in a
# bundler, and its bare 'torchwasm/...' imports resolve next to it, where the names
# below put dist/manual.js and dist/torch.wasm (a wasm module: workerd compiles it
# ahead, as it refuses to compile bytes at run time). The weights are a data module:
# the fixture ResNet-18 here; any torchvision resnet18 .pt or .safetensors works.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "classifier", worker = .classifier) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "classifier") ],
);

const classifier :Workerd.Worker = (
  modules = [
    (name = "worker/worker.mjs", esModule = embed "worker.mjs"),
    (name = "imagenet.mjs", esModule = embed "../imagenet.mjs"),
    (name = "imagenet_classes.json", json = embed "../imagenet_classes.json"),
    (name = "worker/torchwasm/manual", esModule = embed "../../dist/manual.js"),
    (name = "worker/torchwasm/torch.wasm", wasm = embed "../../dist/torch.wasm"),
    (name = "worker/resnet18.pt", data = embed "../../../shared/conformance/models/resnet18.pt"),
  ],
  compatibilityDate = "2026-01-01",
);
