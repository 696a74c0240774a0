"""Checks a dflab-written state dict against its PyTorch twin (state_dict_writer_test.cpp runs it).

    state_dict_check.py MODEL.pth IO.pth SPEC.json

SPEC: {"module": "torchvision.models", "constructor": "resnet18", "kwargs": {...}, "input_layout": "NCHW"}
(the "pytorch" entry of a `dflab export` sidecar). IO.pth holds {"x": input in dflab's layout,
"y": dflab's logits [N]}. The state dict must load with weights_only=True and strict=True, and the
twin's logits in eval mode must equal y to 1e-5. Exit 0 ok, 1 mismatch, 3 a package is missing.
"""
import json
import os
import sys

try:
    import torch
    import torchvision  # noqa: F401  (the twins' home)
except ImportError as e:
    print(f"missing package: {e}")
    sys.exit(3)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples", "pytorch"))
import dflab_torch_models as dm  # noqa: E402

model_path, io_path, spec_path = sys.argv[1:4]
with open(spec_path) as f:
    spec = json.load(f)
sidecar = {"pytorch": spec, "model": {"plugin": spec["constructor"]}}
model = dm.build(sidecar)
state = torch.load(model_path, map_location="cpu", weights_only=True)
model.load_state_dict(state, strict=True)
model.eval()
io = torch.load(io_path, map_location="cpu", weights_only=True)
with torch.no_grad():
    y = model(dm.to_module_layout(io["x"], sidecar)).flatten()
diff = (y - io["y"]).abs().max().item()
print(f"{spec['constructor']}: {len(state)} tensors, logits {y.tolist()[:4]}, max |diff| {diff:.3g}")
sys.exit(0 if diff <= 1e-5 else 1)
