"""Scores one video from its cached face crops with a `dflab export`ed model in PyTorch
(export_cli_test.cpp runs it; the expected score is `dflab predict`'s).

    export_crops_check.py MODEL.pth FACE_CACHE_DIR VIDEO EXPECTED_SCORE

The sidecar (MODEL.json) gives the recipe: crops resized to the input size, RGB, x / 255,
(x - mean) / std, the module's logits, sigmoid, then the run's aggregator (this script knows
"mean"). Exit 0 when |score - expected| <= 1e-5, 1 otherwise, 3 when a package is missing.
"""
import glob
import json
import os
import sys

try:
    import cv2
    import numpy as np
    import torch
except ImportError as e:
    print(f"missing package: {e}")
    sys.exit(3)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "pytorch"))
import dflab_torch_models as dm  # noqa: E402

model_path, cache_dir, video, expected = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
model, sidecar = dm.load(model_path)
inp = sidecar["input"]
assert inp["pixels"]["order"] == "RGB", inp
assert sidecar["output"]["aggregate"]["plugin"] == "mean", sidecar["output"]
canonical = os.path.realpath(video)
entries = []
for meta_path in glob.glob(os.path.join(cache_dir, "*", "*", "meta.json")):
    with open(meta_path) as f:
        meta = json.load(f)
    if meta["identity"].split("|")[0] == canonical:
        entries.append((os.path.dirname(meta_path), meta))
if len(entries) != 1:
    print(f"{video}: {len(entries)} cache entries (want 1)")
    sys.exit(1)
folder, meta = entries[0]
mean = np.array(inp["normalisation"]["mean"], dtype=np.float32)
std = np.array(inp["normalisation"]["std"], dtype=np.float32)
crops = []
for frame in meta["frames"]:
    bgr = cv2.imread(os.path.join(folder, frame["file"]), cv2.IMREAD_COLOR)
    if bgr.shape[:2] != (inp["height"], inp["width"]):
        interp = cv2.INTER_AREA if bgr.shape[1] > inp["width"] else cv2.INTER_LINEAR
        bgr = cv2.resize(bgr, (inp["width"], inp["height"]), interpolation=interp)
    rgb = bgr[:, :, ::-1].astype(np.float32) / 255.0
    crops.append(((rgb - mean) / std).transpose(2, 0, 1))
x = torch.from_numpy(np.stack(crops))
with torch.no_grad():
    p = torch.sigmoid(model(x).flatten().double())
score = p.mean().item()
print(f"{len(crops)} crops, PyTorch score {score:.9f}, dflab {expected:.9f}, |diff| {abs(score - expected):.3g}")
sys.exit(0 if abs(score - expected) <= 1e-5 else 1)
