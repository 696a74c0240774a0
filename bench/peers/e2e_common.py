"""What the two end-to-end peers (e2e_audio_peer.py, e2e_video_peer.py) share: their command line,
the FFDV lists of a `dflab synth` folder, and the training loop that keeps the best epoch."""
import argparse
import copy
import csv
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import log_loss, roc_auc_score

# split -> (folder, list file); the test list is FFDV's prediction.csv (names, no labels)
SPLITS = {"train": ("trainset", "trainset_label.txt"), "val": ("valset", "valset_label.txt"),
          "test": ("testset", "prediction.csv")}


def job_args(doc):
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--stage", choices=["all", "extract", "train"], default="all",
                    help="extract: write the features and their index; train: train and predict from them")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    return a


def save_index(work, index):
    """What the extract stage made (lists of rows per split), for a later `--stage train`."""
    with open(os.path.join(work, "index.json"), "w") as f:
        json.dump(index, f)


def load_index(work):
    with open(os.path.join(work, "index.json")) as f:
        return json.load(f)


def read_list(path):
    """(name, label or None) rows of an FFDV list, header skipped."""
    with open(path) as f:
        return [(r[0], int(r[1]) if len(r) > 1 and r[1] in ("0", "1") else None) for r in csv.reader(f)][1:]


def train_keeping_best(net, opt, train, val_scores, val_labels, epochs):
    """`epochs` epochs of BCE-with-logits steps (net returns [N] logits); after each, the validation
    videos' scores (`val_scores(net)`), logloss and AUC; the best-logloss weights are loaded back at
    the end. Returns (per-epoch report, {"train": s, "validate": s})."""
    loss_fn = nn.BCEWithLogitsLoss()
    best, best_state, report = float("inf"), None, []
    seconds = {"train": 0.0, "validate": 0.0}
    for epoch in range(epochs):
        t = time.time()
        net.train()
        for x, y in train:
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()
        seconds["train"] += time.time() - t
        t = time.time()
        p = val_scores(net)
        ll = log_loss(val_labels, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])
        report.append({"epoch": epoch + 1, "val_logloss": ll, "val_auc": roc_auc_score(val_labels, p)})
        if ll < best:
            best, best_state = ll, copy.deepcopy(net.state_dict())
        seconds["validate"] += time.time() - t
    net.load_state_dict(best_state)
    return report, seconds
