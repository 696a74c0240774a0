#!/usr/bin/python3
"""python3-torch + python3-opencv peer of the DFDC-style video job, for bench/run_e2e_bench.sh.

    /usr/bin/python3 bench/peers/e2e_video_peer.py --data DATA --work DIR [--epochs 5] [--threads 2]

What the DFDC kernels did, as Debian's python3 packages run it:
  extract  every clip of trainset/, valset/, testset/: 16 frames spread over it, OpenCV's Haar
           cascade, the largest face's square crop (margin 1.3; the centre square when none) at
           224 px (bench/peers/video_faces_peer.py, the peer of `dflab video faces`), written as PNG
  train    for meso4 and resnet18 (bench/peers/train_peer.py, parameter for parameter dflab's):
           crops read back per epoch through a DataLoader (RGB / 255, standardised per channel with
           the training crops' mean and std), AdamW lr 1e-3 (weight decay 1e-2), batch 32, BCE with
           logits; after every epoch the validation videos' scores (mean of their frames'), logloss
           and AUC; the best epoch's weights kept
  predict  the test videos with each model's best weights: prediction-<model>.csv
The same work as dflab's bench/e2e/dfdc_video.toml. Prints one JSON line: seconds per stage and
model, validation AUC/logloss per epoch, peak RSS of this process.
"""
import csv
import json
import os
import resource
import time

import cv2
import numpy as np
import torch

from e2e_common import SPLITS, job_args, load_index, read_list, save_index, train_keeping_best
from train_peer import Meso4, ResNet18
from video_faces_peer import CASCADE, faces


class Crops(torch.utils.data.Dataset):
    def __init__(self, rows, mean, std):
        self.rows, self.mean, self.std = rows, mean, std   # rows: (png, label, video index)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        png, label, _ = self.rows[i]
        x = cv2.cvtColor(cv2.imread(png), cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
        x = (x - self.mean) / self.std
        return torch.from_numpy(x.transpose(2, 0, 1).copy()), torch.tensor(float(label or 0))


def video_scores(net, loader, rows, n_videos):
    net.eval()
    frame = []
    with torch.no_grad():
        for x, _ in loader:
            frame += torch.sigmoid(net(x)).tolist()
    total, count = np.zeros(n_videos), np.zeros(n_videos)
    for (_, _, v), s in zip(rows, frame):
        total[v] += s
        count[v] += 1
    return total / np.maximum(count, 1)


def main():
    a = job_args(__doc__)
    seconds, videos, rows = {}, {}, {}

    if a.stage != "train":
        t = time.time()
        cascade = cv2.CascadeClassifier(CASCADE)
        for split, (folder, listing) in SPLITS.items():
            videos[split], rows[split] = read_list(os.path.join(a.data, listing)), []
            os.makedirs(os.path.join(a.work, "crops", split), exist_ok=True)
            for v, (name, label) in enumerate(videos[split]):
                crops, _ = faces(os.path.join(a.data, folder, name), cascade)
                for k, crop in enumerate(crops):
                    png = os.path.join(a.work, "crops", split, f"{name}_{k:02d}.png")
                    cv2.imwrite(png, crop)
                    rows[split].append((png, label, v))
        save_index(a.work, {"videos": videos, "rows": rows})
        seconds["extract"] = time.time() - t
        if a.stage == "extract":
            print(json.dumps({"peer": "python3-torch+opencv", "stage": "extract", "seconds": seconds, "epochs": {}}))
            return
    else:
        index = load_index(a.work)
        videos, rows = index["videos"], index["rows"]

    pixels = np.stack([cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2RGB) for p, _, _ in rows["train"]]).astype(np.float32) / 255
    mean, std = pixels.mean(axis=(0, 1, 2)), pixels.std(axis=(0, 1, 2))
    del pixels

    def loader(split, shuffle):
        return torch.utils.data.DataLoader(Crops(rows[split], mean, std), batch_size=32, shuffle=shuffle,
                                           num_workers=a.workers)

    train, val, test = loader("train", True), loader("val", False), loader("test", False)
    val_labels = [y for _, y in videos["val"]]
    report = {}
    for name, make in (("meso4", lambda: Meso4(224)), ("resnet18", ResNet18)):
        torch.manual_seed(a.seed)
        net = make()
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
        epochs, s = train_keeping_best(net, opt, train, lambda n: video_scores(n, val, rows["val"], len(videos["val"])),
                                       val_labels, a.epochs)
        t = time.time()
        p = video_scores(net, test, rows["test"], len(videos["test"]))
        with open(os.path.join(a.work, f"prediction-{name}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["video_name", "score"])
            for (video, _), score in zip(videos["test"], p):
                w.writerow([video, f"{score:.6f}"])
        s["predict"] = time.time() - t
        seconds[name] = s
        report[name] = epochs
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": "python3-torch+opencv", "stage": a.stage, "seconds": seconds, "epochs": report, "peak_rss_mb_main": rss_mb,
                      "torch": torch.__version__, "opencv": cv2.__version__, "threads": a.threads, "workers": a.workers}))


if __name__ == "__main__":
    main()
