"""PyTorch twins of dflab models that torchvision lacks, and a loader for `dflab export` files.

    import dflab_torch_models as dm
    model, sidecar = dm.load("video.pth")        # reads video.json beside it, strict load, eval mode
    p_fake = torch.sigmoid(model(x)).flatten()   # x shaped as sidecar["input"] says

`load` builds what the sidecar's "pytorch" entry names: a torchvision constructor with
num_classes=1 (resnet18/34/50, efficientnet_b0..b7, mobilenet_v2, r2plus1d_18, mc3_18) or a class
of this file (Meso4). Each class here has the module names and the forward of dflab's C++ module
(ref: modalities/video/models/meso4.cpp), so `load_state_dict(strict=True)` takes the export and
the logits equal dflab's (tests/experiments/export_pytorch_check.py checks both to 1e-5).
"""

import importlib
import json
import math
import os

import torch
from torch import nn
import torch.nn.functional as F


class Meso4(nn.Module):
    """Meso-4 (Afchar et al. 2018) as dflab builds it: frames [N, C, S, S] -> logits [N, 1]."""

    def __init__(self, input_size=256, in_channels=3, width=1.0, dropout=0.5):
        super().__init__()
        if input_size % 32:
            raise ValueError(f"meso4: input_size {input_size} is not a multiple of 32")
        c8 = max(1, int(math.floor(8 * width + 0.5)))   # std::lround, not Python's banker's round
        c16 = max(1, int(math.floor(16 * width + 0.5)))
        self.input_size = input_size
        self.conv1 = nn.Conv2d(in_channels, c8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c8)
        self.conv2 = nn.Conv2d(c8, c8, 5, padding=2)
        self.bn2 = nn.BatchNorm2d(c8)
        self.conv3 = nn.Conv2d(c8, c16, 5, padding=2)
        self.bn3 = nn.BatchNorm2d(c16)
        self.conv4 = nn.Conv2d(c16, c16, 5, padding=2)
        self.bn4 = nn.BatchNorm2d(c16)
        side = input_size // 32
        self.fc1 = nn.Linear(c16 * side * side, 16)
        self.fc2 = nn.Linear(16, 1)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = F.max_pool2d(self.bn1(F.relu(self.conv1(x))), 2)
        x = F.max_pool2d(self.bn2(F.relu(self.conv2(x))), 2)
        x = F.max_pool2d(self.bn3(F.relu(self.conv3(x))), 2)
        x = F.max_pool2d(self.bn4(F.relu(self.conv4(x))), 4)
        x = self.drop(x.flatten(1))
        x = self.drop(F.leaky_relu(self.fc1(x), 0.1))
        return self.fc2(x)


def sidecar_path(model_path):
    return os.path.splitext(model_path)[0] + ".json"


def build(sidecar):
    """The untrained module a sidecar's "pytorch" entry names."""
    spec = sidecar["pytorch"]
    if "none" in spec:
        raise ValueError(f"{sidecar['model']['plugin']}: no PyTorch twin: {spec['none']}")
    if spec["module"] == "dflab_torch_models":
        return globals()[spec["constructor"]](**spec["kwargs"])
    module = importlib.import_module(spec["module"])
    return getattr(module, spec["constructor"])(**spec["kwargs"])


def load(model_path):
    """(module in eval mode with the exported weights, sidecar dict). TorchScript exports are
    returned from torch.jit.load."""
    with open(sidecar_path(model_path)) as f:
        sidecar = json.load(f)
    if sidecar["format"] == "torchscript":
        return torch.jit.load(model_path).eval(), sidecar
    model = build(sidecar)
    model.load_state_dict(torch.load(model_path, map_location="cpu", weights_only=True), strict=True)
    return model.eval(), sidecar


def to_module_layout(x, sidecar):
    """dflab's input layout -> the module's: sequence clips [N, T, C, H, W] -> torchvision's [N, C, T, H, W]."""
    if sidecar["pytorch"].get("input_layout") == "NCTHW":
        return x.permute(0, 2, 1, 3, 4)
    return x
