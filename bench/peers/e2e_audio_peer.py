#!/usr/bin/python3
"""python3-torch peer of the seed-004 FFDV audio job, for bench/run_e2e_bench.sh (issue 16).

    /usr/bin/python3 bench/peers/e2e_audio_peer.py --data DATA --work DIR [--epochs 5] [--threads 2]

The FFDV 2024 audio baseline notebook's pipeline, as Debian's python3 packages run it (no librosa
here: its formulas in numpy, as bench/peers/audio_mel_peers.py checks against dflab):
  extract  every clip of trainset/, valset/, testset/: `ffmpeg -vn -ac 1 -ar 22050` to float PCM,
           mel (n_fft 2048, hop 512, 128 Slaney mels, power 2), power_to_db(ref=max, top_db 80),
           uint8 (x - min) / (max - min) * 255, cv2.resize to 256 x 256 (INTER_LINEAR), written as
           PNG, as the notebook writes its images before training
  train    torchvision resnet18 with a 1-channel conv1 and one logit (dflab's mel_resnet18), images
           read back per epoch through a DataLoader (x / 255, standardised with the training set's
           mean and std), Adam lr 3e-3, batch 40, BCE with logits; validation logloss and AUC after
           every epoch, the best epoch's weights kept
  predict  the test clips with the best weights, prediction.csv (video_name,score)
The same work as dflab's bench/e2e/seed004_audio.toml: one image per clip, no augmentation.
Prints one JSON line: seconds per stage, epochs, validation AUC/logloss per epoch, peak RSS.
"""
import csv
import json
import os
import resource
import subprocess
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torchvision

from audio_mel_peers import mel_filters   # librosa.filters.mel (slaney), checked against dflab there
from e2e_common import SPLITS, job_args, load_index, read_list, save_index, train_keeping_best

SR, N_FFT, HOP, SIDE = 22050, 2048, 512, 256


def decode(path):
    r = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", path, "-vn", "-ac", "1", "-ar", str(SR), "-f", "f32le",
                        "-"], capture_output=True, check=True)
    return np.frombuffer(r.stdout, dtype=np.float32)


def mel_image(y, filters):
    pad = np.pad(y.astype(np.float64), N_FFT // 2)   # center=True, constant padding (librosa >= 0.10)
    n = 1 + (len(pad) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(pad, (n, N_FFT), (pad.strides[0] * HOP, pad.strides[0]))
    window = np.hanning(N_FFT + 1)[:-1]   # periodic hann
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    s = filters @ power.T
    db = 10.0 * np.log10(np.maximum(s, 1e-10))
    db -= 10.0 * np.log10(max(s.max(), 1e-10))   # ref = np.max
    db = np.maximum(db, db.max() - 80.0)
    lo, hi = db.min(), db.max()
    image = np.zeros_like(db, dtype=np.uint8) if hi == lo else np.uint8((db - lo) / (hi - lo) * 255)
    return cv2.resize(image, (SIDE, SIDE), interpolation=cv2.INTER_LINEAR)


class Images(torch.utils.data.Dataset):
    def __init__(self, files, labels, mean, std):
        self.files, self.labels, self.mean, self.std = files, labels, mean, std

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        x = cv2.imread(self.files[i], cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255.0
        return torch.from_numpy((x - self.mean) / self.std)[None], torch.tensor(float(self.labels[i] or 0))


class MelResNet18(nn.Module):
    """dflab's mel_resnet18: torchvision resnet18, 1 input channel, one logit."""
    def __init__(self):
        super().__init__()
        self.net = torchvision.models.resnet18(num_classes=1)
        self.net.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)

    def forward(self, x):
        return self.net(x).squeeze(1)


def scores(net, loader):
    net.eval()
    out = []
    with torch.no_grad():
        for x, _ in loader:
            out += torch.sigmoid(net(x)).tolist()
    return out


def main():
    a = job_args(__doc__)
    torch.manual_seed(a.seed)
    os.makedirs(os.path.join(a.work, "images"), exist_ok=True)
    seconds, items = {}, {}

    if a.stage != "train":
        t = time.time()
        filters = mel_filters(SR, N_FFT, 128)
        for split, (folder, listing) in SPLITS.items():
            items[split] = []
            for name, label in read_list(os.path.join(a.data, listing)):
                png = os.path.join(a.work, "images", f"{split}_{name}.png")
                cv2.imwrite(png, mel_image(decode(os.path.join(a.data, folder, name)), filters))
                items[split].append((name, png, label))
        save_index(a.work, items)
        seconds["extract"] = time.time() - t
        if a.stage == "extract":
            print(json.dumps({"peer": "python3-torch", "stage": "extract", "seconds": seconds, "epochs": []}))
            return
    else:
        items = load_index(a.work)

    train_pixels = np.stack([cv2.imread(p, cv2.IMREAD_GRAYSCALE) for _, p, _ in items["train"]]).astype(np.float32) / 255
    mean, std = float(train_pixels.mean()), float(train_pixels.std()) or 1.0

    def loader(split, shuffle):
        files = [p for _, p, _ in items[split]]
        labels = [y for _, _, y in items[split]]
        return torch.utils.data.DataLoader(Images(files, labels, mean, std), batch_size=40, shuffle=shuffle,
                                           num_workers=a.workers)

    net = MelResNet18()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    train, val, test = loader("train", True), loader("val", False), loader("test", False)
    epochs, s = train_keeping_best(net, opt, train, lambda n: scores(n, val), [y for _, _, y in items["val"]], a.epochs)
    seconds.update(s)

    t = time.time()
    p = scores(net, test)
    with open(os.path.join(a.work, "prediction.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["video_name", "score"])
        for (name, _, _), s in zip(items["test"], p):
            w.writerow([name, f"{s:.6f}"])
    seconds["predict"] = time.time() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peer": "python3-torch", "stage": a.stage, "seconds": seconds, "epochs": epochs, "peak_rss_mb_main": rss_mb,
                      "torch": torch.__version__, "threads": a.threads, "workers": a.workers}))


if __name__ == "__main__":
    main()
