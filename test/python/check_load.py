"""Interop between torchwasm's torch.save / torch.load and real PyTorch (1.13).

Run by test/unit/serialize_python.test.ts with Debian's /usr/bin/python3:

  check_load.py check <manifest.json>
      For each case of the manifest, loads `file` with torch.load (weights_only when
      the case says so) and compares what PyTorch gives with `expect`, the canonical
      form of the object torchwasm saved. Optionally: `same_as` (another .pt file whose
      contents must be identical), `load_into` (a Python expression building a module
      whose load_state_dict must accept the file), `adam_params` (shapes of parameters
      whose torch.optim.Adam must accept the file as its state_dict). Prints one JSON
      line per case: {"file", "ok", "error"}.

  check_load.py write <dir>
      Writes .pt files with PyTorch and, next to each, <name>.json holding the canonical
      form of what was saved, for torchwasm to load and compare. Prints the file names.

The canonical form (the same on both sides):
  None ["none"]; bool ["bool", b]; int ["int", "<decimal>"]; float ["float", "<8 bytes,
  big-endian, hex>"]; str ["str", s]; bytes ["bytes", hex]; list ["list", [...]];
  tuple ["tuple", [...]]; dict ["dict", [[k, v], ...]]; OrderedDict ["odict", ...];
  set ["set", [...]] (sorted by JSON); torch.dtype ["dtype", "float32"];
  Tensor / Parameter ["tensor" | "param", {dtype, shape, stride, offset, storage (an
  id: tensors share a storage exactly when their ids are equal), storage_numel,
  requires_grad, data (the elements' bytes in row-major order, hex; beyond 1 KiB
  "sha256:" and their SHA-256)}].

PyTorch 1.13's weights_only unpickler has no BINFLOAT opcode, so files holding Python
floats (an optimizer's lr, ...) can only be checked with weights_only=False there.
"""

import collections
import hashlib
import io
import json
import os
import struct
import sys
import zipfile

import torch

DTYPES = {
    torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
    torch.int64: "int64", torch.int32: "int32", torch.int16: "int16", torch.int8: "int8",
    torch.uint8: "uint8", torch.bool: "bool",
}


def storage_key(t):
    return t.storage()._cdata


def digest(b):
    """Bytes as hex, or for more than 1 KiB their SHA-256 (the same on both sides)."""
    return b.hex() if len(b) <= 1024 else "sha256:" + hashlib.sha256(b).hexdigest()


def tensor_bytes(t):
    flat = t.detach().contiguous().reshape(-1)
    return digest(flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b"")


def encode(v, storages):
    """The canonical form of v; storages maps a storage key to its id (numbered as first seen)."""
    if v is None:
        return ["none"]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", str(v)]
    if isinstance(v, float):
        return ["float", struct.pack(">d", v).hex()]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, (bytes, bytearray)):
        return ["bytes", bytes(v).hex()]
    if isinstance(v, torch.dtype):
        return ["dtype", DTYPES[v]]
    if isinstance(v, torch.Tensor):
        key = storage_key(v)
        if key not in storages:
            storages[key] = len(storages)
        return ["param" if isinstance(v, torch.nn.Parameter) else "tensor", {
            "dtype": DTYPES[v.dtype], "shape": list(v.shape), "stride": list(v.stride()),
            "offset": v.storage_offset(), "storage": storages[key], "storage_numel": v.storage().size(),
            "requires_grad": v.requires_grad, "data": tensor_bytes(v),
        }]
    if isinstance(v, tuple):
        return ["tuple", [encode(x, storages) for x in v]]
    if isinstance(v, list):
        return ["list", [encode(x, storages) for x in v]]
    if isinstance(v, collections.OrderedDict):
        return ["odict", [[encode(k, storages), encode(x, storages)] for k, x in v.items()]]
    if isinstance(v, dict):
        return ["dict", [[encode(k, storages), encode(x, storages)] for k, x in v.items()]]
    if isinstance(v, (set, frozenset)):
        return ["set", sorted((encode(x, storages) for x in v), key=json.dumps)]
    raise TypeError(f"no canonical form for {type(v).__name__}")


def compare(got, want, path, ids):
    """Raises AssertionError at the first difference; ids pairs storage ids of both sides (a bijection)."""
    if got[0] != want[0]:
        raise AssertionError(f"{path}: type {got[0]} != {want[0]}")
    kind = got[0]
    if kind in ("tensor", "param"):
        g, w = got[1], want[1]
        for field in ("dtype", "shape", "stride", "offset", "storage_numel", "requires_grad", "data"):
            if g[field] != w[field]:
                raise AssertionError(f"{path}: {field} {str(g[field])[:80]} != {str(w[field])[:80]}")
        a, b = ids.setdefault("g", {}), ids.setdefault("w", {})
        if a.setdefault(g["storage"], w["storage"]) != w["storage"] or b.setdefault(w["storage"], g["storage"]) != g["storage"]:
            raise AssertionError(f"{path}: storage sharing differs")
        return
    if kind in ("list", "tuple", "set"):
        if len(got[1]) != len(want[1]):
            raise AssertionError(f"{path}: length {len(got[1])} != {len(want[1])}")
        for i, (x, y) in enumerate(zip(got[1], want[1])):
            compare(x, y, f"{path}[{i}]", ids)
        return
    if kind in ("dict", "odict"):
        if len(got[1]) != len(want[1]):
            raise AssertionError(f"{path}: {len(got[1])} keys != {len(want[1])}")
        for (k1, v1), (k2, v2) in zip(got[1], want[1]):
            compare(k1, k2, f"{path} key", ids)
            compare(v1, v2, f"{path}[{json.dumps(k1[1])}]", ids)
        return
    if got[1:] != want[1:]:
        raise AssertionError(f"{path}: {str(got[1:])[:80]} != {str(want[1:])[:80]}")


def check_case(case):
    obj = torch.load(case["file"], weights_only=case.get("weights_only", False))
    compare(encode(obj, {}), case["expect"], "obj", {})
    if "same_as" in case:
        ref = torch.load(case["same_as"])
        compare(encode(obj, {}), encode(ref, {}), "obj (vs the original file)", {})
    if "load_into" in case:
        model = eval(case["load_into"], {"torch": torch})  # an expression from our own test
        model.load_state_dict(obj)
    if "adam_params" in case:
        params = [torch.nn.Parameter(torch.zeros(s)) for s in case["adam_params"]]
        opt = torch.optim.Adam(params)
        opt.load_state_dict(obj)
        for p in params:
            p.grad = torch.ones_like(p)
        opt.step()
    if case.get("zip_entries"):
        with zipfile.ZipFile(case["file"]) as z:
            if z.testzip() is not None:
                raise AssertionError("a zip entry fails its CRC check")


def check(manifest_path):
    with open(manifest_path) as f:
        cases = json.load(f)
    failed = 0
    for case in cases:
        try:
            check_case(case)
            print(json.dumps({"file": case["file"], "ok": True}))
        except Exception as e:  # report every case, keep going
            failed += 1
            print(json.dumps({"file": case["file"], "ok": False, "error": f"{type(e).__name__}: {e}"}))
    return 1 if failed else 0


def written_objects():
    torch.manual_seed(0)
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 4
    nested = collections.OrderedDict()
    nested["base"] = base
    nested["t"] = base.t()
    nested["row"] = base[2]
    nested["cols"] = base[:, 1:4]
    nested["every2"] = base[::2, 1::2]
    nested["expanded"] = base[:, 5:6].expand(4, 3)
    nested["dtypes"] = {
        "f64": torch.tensor([0.1, -1e300, 5e-324], dtype=torch.float64),
        "f16": torch.tensor([0.5, -2, 65504], dtype=torch.float16),
        "bf16": torch.tensor([1, -3.5, 1e38], dtype=torch.bfloat16),
        "i64": torch.tensor([2**62 + 1, -2**63, 0]),
        "i32": torch.tensor([2**31 - 1, -2**31], dtype=torch.int32),
        "i16": torch.tensor([-32768, 7], dtype=torch.int16),
        "i8": torch.tensor([-128, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 255], dtype=torch.uint8),
        "b": torch.tensor([[True, False], [False, True]]),
        "scalar": torch.tensor(2.5, dtype=torch.float64),
        "empty": torch.zeros(0, 3),
    }
    nested["param"] = torch.nn.Parameter(torch.randn(2, 3))
    nested["frozen"] = torch.nn.Parameter(torch.randn(2), requires_grad=False)
    nested["grad"] = torch.randn(3).requires_grad_()
    nested["values"] = [1, -7, 2**40, 2**70, -2**70, 0.25, -0.0, float("inf"), float("nan"), 1e-300, True, None, "héllo ✓"]
    nested["tuples"] = (1, (2.5, "x"), [3])
    nested["by_int"] = {0: "a", 7: (1, 2), -3: None}
    nested["dtype"] = torch.float16
    extras = {"set": {1, 2, 3}, "bytes": b"\x00\xffab", "empty_bytes": b"", "frozen": frozenset(["a"])}
    # an Adam state after two steps
    params = [torch.nn.Parameter(torch.randn(3, 2)), torch.nn.Parameter(torch.randn(4))]
    opt = torch.optim.Adam(params, lr=1e-2, betas=(0.8, 0.99), weight_decay=0.1)
    for _ in range(2):
        for p in params:
            p.grad = torch.randn_like(p)
        opt.step()
    # a module's state_dict (an OrderedDict with _metadata), and its output on a fixed input
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    x = torch.linspace(-1, 1, 12).reshape(3, 4)
    with torch.no_grad():
        out = model(x)
    return {
        "py_nested": (nested, {}),
        "py_nested_legacy": (nested, {"_use_new_zipfile_serialization": False}),
        "py_nested_p4": (nested, {"pickle_protocol": 4}),
        "py_extras": (extras, {}),
        "py_adam": (opt.state_dict(), {}),
        "py_module_sd": (model.state_dict(), {}),
        "py_module_io": ({"input": x, "output": out}, {}),
    }


def write(directory):
    for name, (obj, kwargs) in written_objects().items():
        path = os.path.join(directory, f"{name}.pt")
        torch.save(obj, path, **kwargs)
        with open(os.path.join(directory, f"{name}.json"), "w") as f:
            json.dump(encode(obj, {}), f)
        print(name)
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "check" and len(sys.argv) == 3:
        sys.exit(check(sys.argv[2]))
    if command == "write" and len(sys.argv) == 3:
        sys.exit(write(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
