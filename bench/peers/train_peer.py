#!/usr/bin/python3
"""python3-torch eager peer of bench/train_bench.cpp: same models, batch, threads and timing rule.

  /usr/bin/python3 bench/peers/train_peer.py [--threads 2] [--batch 32] [--budget_s 6] [resnet18:112 ...]

resnet18: torchvision.models.resnet18(num_classes=1) (the 1-logit fc, as dflab's resnet18).
meso4: Meso-4 (Afchar et al. 2018) written here exactly as dflab's modalities/video/models/meso4.cpp:
conv3x3(8)-ReLU-BN-pool2, conv5x5(8)-ReLU-BN-pool2, conv5x5(16)-ReLU-BN-pool2, conv5x5(16)-ReLU-BN-pool4,
dropout 0.5, fc 16, LeakyReLU(0.1), dropout 0.5, fc 1.
Training step: zero_grad, forward, BCE-with-logits, backward, AdamW(lr 1e-4, wd 1e-2) step.
Inference: eval(), torch.no_grad(). One JSON object per line on stdout.
"""
import argparse
import os
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class Meso4(nn.Module):
    def __init__(self, input_size=256):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 5, padding=2)
        self.bn2 = nn.BatchNorm2d(8)
        self.conv3 = nn.Conv2d(8, 16, 5, padding=2)
        self.bn3 = nn.BatchNorm2d(16)
        self.conv4 = nn.Conv2d(16, 16, 5, padding=2)
        self.bn4 = nn.BatchNorm2d(16)
        side = input_size // 32
        self.fc1 = nn.Linear(16 * side * side, 16)
        self.fc2 = nn.Linear(16, 1)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        x = F.max_pool2d(self.bn1(F.relu(self.conv1(x))), 2)
        x = F.max_pool2d(self.bn2(F.relu(self.conv2(x))), 2)
        x = F.max_pool2d(self.bn3(F.relu(self.conv3(x))), 2)
        x = F.max_pool2d(self.bn4(F.relu(self.conv4(x))), 4)
        x = self.drop(x.flatten(1))
        x = self.drop(F.leaky_relu(self.fc1(x), 0.1))
        return self.fc2(x).squeeze(1)


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torchvision.models.resnet18(num_classes=1)

    def forward(self, x):
        return self.net(x).squeeze(1)


def time_steps(step, warmup, budget_s):
    for _ in range(warmup):
        step()
    wall, cpu = [], []
    start = time.perf_counter()
    while len(wall) < 50:
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        if len(wall) >= 3 and time.perf_counter() - start >= budget_s:
            break
    return wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--budget_s", type=float, default=6.0)
    ap.add_argument("configs", nargs="*", default=["resnet18:112", "resnet18:224", "meso4:256"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    # run_train_bench.sh also runs this peer with dflab's allocator policy, set through glibc tunables.
    malloc = "kept" if "mmap_max=0" in os.environ.get("GLIBC_TUNABLES", "") else "default"
    for c in a.configs:
        name, size = c.split(":")
        size = int(size)
        torch.manual_seed(0)
        model = ResNet18() if name == "resnet18" else Meso4(size)
        x = torch.randn(a.batch, 3, size, size)
        y = (torch.arange(a.batch) % 2).float()
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-2)

        def train_step():
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(x), y)
            loss.backward()
            opt.step()

        def infer_step():
            with torch.no_grad():
                model(x).numpy()

        for mode, step, warmup, budget in (("train", train_step, 1, a.budget_s), ("infer", infer_step, 1, a.budget_s / 2)):
            if mode == "infer":
                model.eval()
            wall, cpu = time_steps(step, warmup, budget)
            med = statistics.median(wall)
            print(json.dumps({"impl": "python3-torch", "malloc": malloc, "model": name, "size": size, "mode": mode, "batch": a.batch,
                              "threads": a.threads, "steps": len(wall), "median_wall_s": med,
                              "median_cpu_s": statistics.median(cpu), "images_per_s": a.batch / med,
                              "n_params": sum(p.numel() for p in model.parameters()),
                              "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
