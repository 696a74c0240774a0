#!/usr/bin/python3
"""Writes examples/cross_generator.csv: every video of ../shared/data with its label and source.

    /usr/bin/python3 scripts/make_cross_generator_csv.py > examples/cross_generator.csv
    /usr/bin/python3 scripts/make_cross_generator_csv.py --audio > examples/cross_generator_audio.csv

With --audio: the speech of ../shared/data instead (path,label,source): tts-audio's `source`
(vits-demo, vocos-demo, librispeech-resemblyzer: real only) and add2022-audio's `split` as
add2022-train / add2022-track2adp.

Columns: path (relative to examples/, i.e. ../../shared/data/...), label (0 real, 1 fake), source
(the generator family a clip comes from, for leave-one-source-out evaluation), original (for a fake
made from a real clip that is also listed: that clip's path, so grouped splits keep the pair on one
side). Sources: sadtalker, hyperlips, vexpress (talking-heads/labels.csv), deepfacelive
(dfl-swaps-dfdc, DFDC metadata.json with `original`), ffdv (ffdv-sample; label 1 = audio and/or
video manipulated, so some of its "fakes" look real).
"""
import csv
import json
import os
import sys

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
PREFIX = "../../shared/data/"
rows = []

if "--audio" in sys.argv[1:]:
    with open(os.path.join(SHARED, "tts-audio", "labels.csv"), newline="") as f:
        for r in csv.DictReader(f):
            # Ten rows carry an unquoted comma in `system` ("VITS-ablation(mel-posterior,300k)"):
            # the extra field lands in r[None] and the real source is the row's last field.
            source = r[None][-1] if r.get(None) else r["source"]
            rows.append((PREFIX + "tts-audio/" + r["path"], r["label"], source))
    with open(os.path.join(SHARED, "add2022-audio", "labels.csv"), newline="") as f:
        for r in csv.DictReader(f):
            rows.append((PREFIX + "add2022-audio/" + r["path"], r["label"], "add2022-" + r["split"]))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(("path", "label", "source"))
    w.writerows(rows)
    sys.exit(0)

with open(os.path.join(SHARED, "talking-heads", "labels.csv"), newline="") as f:
    for r in csv.DictReader(f):
        path = PREFIX + "talking-heads/" + r["path"]
        original = ""
        # HyperLips: result/result_videoN.mp4 is test/videoN/videoN.mp4 lip-synced to another voice.
        base = os.path.basename(r["path"])
        if r["source"] == "hyperlips" and base.startswith("result_video") and base[12:-4].isdigit():
            n = base[12:-4]
            candidate = f"hyperlips/test/video{n}/video{n}.mp4"
            if os.path.exists(os.path.join(SHARED, "talking-heads", candidate)):
                original = PREFIX + "talking-heads/" + candidate
        rows.append((path, r["target"], r["source"], original))

meta_dir = os.path.join(SHARED, "dfl-swaps-dfdc", "dfl_part_0")
with open(os.path.join(meta_dir, "metadata.json")) as f:
    meta = json.load(f)
for name in sorted(meta):
    m = meta[name]
    path = PREFIX + "dfl-swaps-dfdc/dfl_part_0/" + name
    original = PREFIX + "dfl-swaps-dfdc/dfl_part_0/" + m["original"] if m.get("original") else ""
    rows.append((path, "1" if m["label"] == "FAKE" else "0", "deepfacelive", original))

for split, labels in (("trainset", "trainset_label.txt"), ("valset", "valset_label.txt")):
    with open(os.path.join(SHARED, "ffdv-sample", labels), newline="") as f:
        for r in csv.DictReader(f):
            rows.append((PREFIX + f"ffdv-sample/{split}/" + r["video_name"], r["target"], "ffdv", ""))

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(("path", "label", "source", "original"))
w.writerows(rows)
