#!/usr/bin/python3
"""The evidence of reports/av_sync.md (issue 17): how well av_sync, trained on real videos only,
finds audio-visual offsets and scores out-of-sync and lip-sync fakes. Prints the tables.

    /usr/bin/python3 scripts/av_sync_eval.py [--work DIR] [--dflab build/apps/dflab] [--part synth|real|all]
                                             [--folds 0]

synth: `dflab synth --kinds all` (FakeAVCeleb's four kinds plus out-of-sync), one experiment with a
  video model (meso4), an audio model (mel CNN), av_sync (real_only, av_shift) and a stacking fusion;
  test AUC per fake kind (each kind's fakes against the test reals); then the held-out in-sync test
  clips with their audio shifted by k = -15..15 frames (ffmpeg: adelay / atrim, AAC re-encoded; k = 0
  goes through the same re-encode) and `dflab av sync --max-offset 20`: share found to +-1 frame.
real: the 18 real clips with audio in ../shared (talking-heads' 15, ffdv-sample's 3), leave one
  clip out (--folds 0, the default; --folds k: k clip-disjoint folds): av_sync trained on the other
  clips, tested on the held-out one (unshifted, and shifted by k in {-15,-10,-5,-3,3,5,10,15} frames
  of the clip's own rate, first 4 s); every talking-heads fake scored by every fold's model (mean),
  for AUC by source.

Settings fixed for reproducibility: every experiment's seed and threads = 2 are in the TOML this
script writes; `dflab synth --seed 11`. The recipe (examples/av_sync.toml's) was set on the synthetic
data's validation split and is not tuned on the real clips.
"""
import argparse
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))

AV = """
[av]
mouth_width = 64
mouth_height = 32
window_s = 0.2
stack = 5
feature = { plugin = "mfcc", sample_rate = 16000, n_mfcc = 13, n_fft = 512, hop_length = 160, n_mels = 40 }
"""
# Every frame (offsets count frames); the cartoon faces have no dlib lips: the face box's lower half.
SYNTH_VIDEO = """
[video]
sampling = { strategy = "every_nth", every = 1 }
crop = { size = 96, landmarks = "detector" }
"""
SYNC_MODEL = """
[[models]]
name = "sync"
plugin = "av_sync"
modality = "av"
stack = 5
mouth_height = 32
mouth_width = 64
audio_bins = 13
audio_frames = 21
augment = [{ plugin = "av_shift", min_shift = 3, max_shift = 15 }]
train = { epochs = 8, batch = 32, lr = 1e-3, real_only = true }
"""


def experiment_head(name, db, work_dir, data_lines):
    """[experiment] (seed 42, threads 2: the numbers reproduce) and [data] of a written experiment."""
    return f"""[experiment]
name = "{name}"
seed = 42
threads = 2
db = "{db}"
work_dir = "{work_dir}"

[data]
{data_lines}
"""


def run(cmd, allow=(0,)):
    t = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in allow:
        sys.stderr.write(" ".join(cmd) + "\n" + r.stderr[-3000:] + "\n")
        raise SystemExit("failed: " + cmd[0] + " " + (cmd[1] if len(cmd) > 1 else ""))
    return r, time.time() - t


def run_once(dflab, toml, marker, what):
    """`dflab run TOML` unless `marker` says an earlier call finished it."""
    if not os.path.exists(marker):
        _, secs = run([dflab, "run", toml])
        print(f"{what}: {secs:.0f} s")
        open(marker, "w").close()


def auc(pos, neg):
    """P(score of a positive > score of a negative), ties 1/2 (Mann-Whitney)."""
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def fmt(x, digits=3):
    return "-" if x is None else f"{x:.{digits}f}"


def shift_clip(src, dst, seconds, duration=None):
    """The audio moved by `seconds` (> 0: later), the video stream copied; AAC re-encoded either way."""
    if seconds > 0:
        af = f"adelay=delays={round(seconds * 1000)}:all=1"
    elif seconds < 0:
        af = f"atrim=start={-seconds:.6f},asetpts=PTS-STARTPTS"
    else:
        af = "anull"
    cmd = ["ffmpeg", "-v", "error", "-y", "-i", src, "-map", "0:v:0", "-map", "0:a:0", "-c:v", "copy", "-af", af,
           "-c:a", "aac", "-b:a", "128k"]
    if duration:
        cmd += ["-t", str(duration)]
    run(cmd + [dst])


def av_sync(dflab, db, run_name, files, max_offset):
    out = []
    for k in range(0, len(files), 64):   # keep command lines short
        r, _ = run([dflab, "av", "sync", "--db", db, "--run", run_name, "--max-offset", str(max_offset), "--json"] +
                   files[k:k + 64], allow=(0, 1))
        out += json.loads(r.stdout)["videos"]
    return out


def synth_part(dflab, work):
    data = os.path.join(work, "synth-data")
    if not os.path.exists(os.path.join(data, "kinds.csv")):
        run([dflab, "synth", "--out", data, "--kinds", "all", "--train", "100", "--val", "20", "--test", "40",
             "--seconds", "4", "--fps", "25", "--seed", "11"])
    toml = os.path.join(work, "synth.toml")
    with open(toml, "w") as f:
        f.write(experiment_head("av-eval-synth", f"{work}/synth.sqlite", f"{work}/synth-work",
                                f'format = "ffdv"\nroot = "{data}"') + SYNTH_VIDEO + f"""
[audio]
feature = {{ plugin = "mel", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 64, to_db = true }}
{AV}
[[models]]
name = "video-meso4"
plugin = "meso4"
modality = "video"
input_size = 96
train = {{ epochs = 8, batch = 32, lr = 3e-3, samples_per_video = 8 }}
augment = [{{ plugin = "hflip" }}]

[[models]]
name = "audio-mel"
plugin = "mel_cnn"
modality = "audio"
train = {{ epochs = 8, batch = 32, lr = 3e-3 }}
{SYNC_MODEL}
[fusion]
plugin = "stacking"
""")
    run_once(dflab, toml, os.path.join(work, "synth.done"), "synth experiment")
    # The single-modality models as the README's demo trains them (8 uniform frames, 64 px crops), on
    # the same clips: every-frame sampling is for the sync model, not what suits meso4.
    demo = os.path.join(work, "synth-demo.toml")
    with open(demo, "w") as f:
        f.write(experiment_head("av-eval-synth-demo", f"{work}/synth.sqlite", f"{work}/synth-demo-work",
                                f'format = "ffdv"\nroot = "{data}"') + f"""
[video]
sampling = {{ strategy = "uniform", frames = 8 }}
crop = {{ size = 64, margin = 1.3 }}

[audio]
feature = {{ plugin = "mel", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 64, to_db = true }}

[[models]]
name = "demo-video-meso4"
plugin = "meso4"
modality = "video"
input_size = 64
train = {{ epochs = 8, batch = 32, lr = 3e-3, schedule = "one_cycle", tta_flip = true }}
augment = [ {{ plugin = "hflip" }}, {{ plugin = "color_jitter", p = 0.3 }} ]

[[models]]
name = "demo-audio-melcnn"
plugin = "mel_cnn"
modality = "audio"
n_mels = 64
frames = 32
width = 0.5
dropout = 0.5
train = {{ epochs = 8, batch = 16, lr = 3e-3, schedule = "one_cycle" }}
augment = [ {{ plugin = "time_shift" }}, {{ plugin = "audio_gain" }} ]
""")
    run_once(dflab, demo, os.path.join(work, "synth-demo.done"), "synth demo-recipe experiment")
    # The sync model again with its detection score from the calibrated offset search (score =
    # "sync", fitted on the validation split's reals and fakes), on the same cached samples.
    cal = os.path.join(work, "synth-cal.toml")
    with open(cal, "w") as f:
        f.write(experiment_head("av-eval-synth-cal", f"{work}/synth.sqlite", f"{work}/synth-work",
                                f'format = "ffdv"\nroot = "{data}"') + SYNTH_VIDEO + f"""
[audio]
enabled = false
{AV}{SYNC_MODEL.replace('name = "sync"', 'name = "sync-cal"').replace("real_only = true", 'real_only = true, score = "sync"')}
[output]
prediction_csv = "{work}/synth-cal-prediction.csv"
""")
    run_once(dflab, cal, os.path.join(work, "synth-cal.done"), "synth calibrated-sync experiment")
    kinds = {r["video_name"]: r for r in csv.DictReader(open(os.path.join(data, "kinds.csv")))}
    con = sqlite3.connect(os.path.join(work, "synth.sqlite"))
    runs = con.execute("select r.id, e.name || '/' || r.name from runs r join experiments e on r.experiment_id = e.id "
                       "where e.name in ('av-eval-synth', 'av-eval-synth-demo', 'av-eval-synth-cal') and r.status = 'finished' "
                       "order by r.id").fetchall()
    fake_kinds = ["FakeVideo-RealAudio", "RealVideo-FakeAudio", "FakeVideo-FakeAudio", "OutOfSync"]
    print("\n## Synthetic test split: AUC of each fake kind against the real clips\n")
    print("| run | " + " | ".join(fake_kinds) + " | all |")
    print("|---|" + "---|" * (len(fake_kinds) + 1))
    truth = {}
    for line in open(os.path.join(data, "testset_truth.txt")):
        name, _, target = line.strip().partition(",")
        if target in ("0", "1"):
            truth[name] = int(target)
    for run_id, name in runs:
        scores = {v: s for v, s in con.execute("select video, score from predictions where run_id = ? and split = 'test'",
                                                (run_id,))}
        reals = [s for v, s in scores.items() if kinds[v]["kind"] == "RealVideo-RealAudio"]
        cells = [fmt(auc([s for v, s in scores.items() if kinds[v]["kind"] == k], reals)) for k in fake_kinds]
        allf = [s for v, s in scores.items() if truth.get(v) == 1]
        print(f"| {name} | " + " | ".join(cells) + f" | {fmt(auc(allf, reals))} |")

    # Offsets: the in-sync real test clips, audio shifted by k frames.
    shifted = os.path.join(work, "synth-shifted")
    os.makedirs(shifted, exist_ok=True)
    files, truth_k = [], {}
    reals = sorted(v for v, r in kinds.items() if r["split"] == "test" and r["kind"] == "RealVideo-RealAudio")
    for v in reals:
        for k in range(-15, 16):
            dst = os.path.join(shifted, f"{v[:-4]}_k{k:+d}.mp4")
            if not os.path.exists(dst):
                shift_clip(os.path.join(data, "testset", v), dst, k / 25.0)
            files.append(dst)
            truth_k[os.path.basename(dst)] = k
    t = time.time()
    res = av_sync(dflab, os.path.join(work, "synth.sqlite"), "av-eval-synth/sync", files, 20)
    secs = time.time() - t
    hits = sum(1 for v in res if v["status"] == "ok" and abs(v["offset_frames"] - truth_k[v["name"]]) <= 1)
    exact = sum(1 for v in res if v["status"] == "ok" and v["offset_frames"] == truth_k[v["name"]])
    bad = [(v["name"], v.get("offset_frames"), v["status"]) for v in res
           if v["status"] != "ok" or abs(v["offset_frames"] - truth_k[v["name"]]) > 1]
    print(f"\n## Synthetic offsets\n\n{len(reals)} held-out in-sync test clips x k = -15..15 = {len(res)} files "
          f"(`dflab av sync --max-offset 20`, {secs:.0f} s): found k +- 1 in {hits}/{len(res)} = "
          f"{100.0 * hits / len(res):.1f} %, exactly k in {exact}/{len(res)} = {100.0 * exact / len(res):.1f} %")
    errors = {}
    for v in res:
        if v["status"] == "ok":
            e = v["offset_frames"] - truth_k[v["name"]]
            errors[e] = errors.get(e, 0) + 1
    print("found - k: " + ", ".join(f"{e:+d}: {n}" for e, n in sorted(errors.items())))
    if bad:
        print("missed: " + ", ".join(f"{n} -> {o} ({s})" for n, o, s in bad[:20]))


def real_clips():
    rows = []
    th = os.path.join(SHARED, "talking-heads")
    for r in csv.DictReader(open(os.path.join(th, "labels.csv"))):
        rows.append((os.path.join(th, r["path"]), int(r["target"]), r["source"]))
    ff = os.path.join(SHARED, "ffdv-sample")
    for split, lst in (("trainset", "trainset_label.txt"), ("valset", "valset_label.txt")):
        for line in open(os.path.join(ff, lst)):
            name, _, target = line.strip().partition(",")
            if target == "0":
                rows.append((os.path.join(ff, split, name), 0, "ffdv"))
    return rows


def fps_of(path):
    r, _ = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=r_frame_rate",
                "-of", "csv=p=0", path])
    num, _, den = r.stdout.strip().partition("/")
    return float(num) / float(den or 1)


def real_part(dflab, work, folds=0):
    """folds = 0: leave one clip out (a fold per real clip); else that many clip-disjoint folds."""
    clips = real_clips()
    reals = sorted(p for p, y, s in clips if y == 0)
    fakes = [(p, s) for p, y, s in clips if y == 1 and s in ("sadtalker", "hyperlips", "vexpress")]
    source_of = {p: s for p, y, s in clips}
    # Folders and run names of the two protocols differ, so both can live in one --work.
    tag = "loo" if folds == 0 else "real"
    folds = folds or len(reals)
    protocol = "leave one clip out" if tag == "loo" else f"{folds} clip-disjoint folds"
    print(f"\n## Real clips: {len(reals)} real (with audio), {len(fakes)} talking-heads fakes, {protocol}")
    ks = [-15, -10, -5, -3, 3, 5, 10, 15]
    offset_rows, real_scores, fake_scores = [], {}, {p: [] for p, _ in fakes}
    for f in range(folds):
        test = [p for i, p in enumerate(reals) if i % folds == f]
        train = [p for i, p in enumerate(reals) if i % folds != f]
        fold_dir = os.path.join(work, f"{tag}-fold{f}")
        os.makedirs(fold_dir, exist_ok=True)
        with open(os.path.join(fold_dir, "data.csv"), "w", newline="") as out:
            w = csv.writer(out)
            w.writerow(["path", "label", "split"])
            for p in train:
                w.writerow([p, 0, "train"])
        toml = os.path.join(fold_dir, "exp.toml")
        with open(toml, "w") as out:
            out.write(experiment_head(f"av-eval-{tag}{f}", f"{work}/real.sqlite", f"{work}/real-work",
                                      f'format = "csv"\nroot = "{fold_dir}"\ntrain = "data.csv"\nval_fraction = 0.0')
                      + f"""
[video]
sampling = {{ strategy = "every_nth", every = 1 }}
roi_every = 10
crop = {{ size = 128 }}

[audio]
enabled = false
{AV}{SYNC_MODEL}""")
        run_once(dflab, toml, os.path.join(fold_dir, "done"), f"fold {f}: {len(train)} training clips, trained and scored in")
        # The held-out reals and every fake, scored as recorded: P(out of sync).
        r, _ = run([dflab, "predict", "--db", os.path.join(work, "real.sqlite"), "--run", f"av-eval-{tag}{f}/sync",
                    "--json"] + test + [p for p, _ in fakes], allow=(0, 1))
        for v in json.loads(r.stdout)["scores"]:
            path = os.path.normpath(v["path"])
            if v.get("score") is None:
                continue
            if path in fake_scores:
                fake_scores[path].append(v["score"])
            elif path in test:
                real_scores[path] = v["score"]
        # offsets of the held-out reals: unshifted (through the same re-encode) and shifted, first 4 s
        shifted = os.path.join(fold_dir, "shifted")
        os.makedirs(shifted, exist_ok=True)
        files, truth = [], {}
        for p in test:
            fps = fps_of(p)
            stem = os.path.splitext(os.path.basename(p))[0] + "_" + f"{zlib.crc32(p.encode()) % 10000:04d}"
            for k in [0] + ks:
                dst = os.path.join(shifted, f"{stem}_k{k:+d}.mp4")
                if not os.path.exists(dst):
                    shift_clip(p, dst, k / fps, duration=4)
                files.append(dst)
                truth[os.path.basename(dst)] = (k, p)
        for v in av_sync(dflab, os.path.join(work, "real.sqlite"), f"av-eval-{tag}{f}/sync", files, 20):
            k, p = truth[v["name"]]
            offset_rows.append((p, k, v.get("offset_frames"), v.get("confidence"), v["status"]))
    print("\n| held-out real clips | files | found k +- 1 | exactly k |")
    print("|---|---|---|---|")
    for label, sel in (("unshifted (k = 0)", lambda k: k == 0), ("shifted (k != 0)", lambda k: k != 0),
                       ("all", lambda k: True)):
        rows = [r for r in offset_rows if sel(r[1])]
        hit = sum(1 for r in rows if r[4] == "ok" and abs(r[2] - r[1]) <= 1)
        ex = sum(1 for r in rows if r[4] == "ok" and r[2] == r[1])
        print(f"| {label} | {len(rows)} | {hit} ({100.0 * hit / max(1, len(rows)):.0f} %) | {ex} ({100.0 * ex / max(1, len(rows)):.0f} %) |")
    # Relative to the clip's own unshifted offset: a recording's audio and video may be a few frames
    # apart already (the unshifted copy says by how much); does the shift move it by k?
    base = {r[0]: r[2] for r in offset_rows if r[1] == 0 and r[4] == "ok"}
    rel = [r for r in offset_rows if r[1] != 0 and r[4] == "ok" and r[0] in base]
    rel_hit = sum(1 for r in rel if abs(r[2] - base[r[0]] - r[1]) <= 1)
    print(f"| shifted, relative to the unshifted copy's offset | {len(rel)} | {rel_hit} "
          f"({100.0 * rel_hit / max(1, len(rel)):.0f} %) | - |")
    inside = [r for r in rel if abs(base[r[0]] + r[1]) <= 20]   # the true offset inside the searched range
    in_hit = sum(1 for r in inside if abs(r[2] - base[r[0]] - r[1]) <= 1)
    print(f"| ... of those, base + k inside +-20 (the search range) | {len(inside)} | {in_hit} "
          f"({100.0 * in_hit / max(1, len(inside)):.0f} %) | - |")
    failed = [r for r in offset_rows if r[4] != "ok"]
    if failed:
        print("not measured: " + ", ".join(f"{os.path.basename(r[0])} k={r[1]:+d} ({r[4]})" for r in failed))
    print("\nper clip (k: found offset):")
    for p in reals:
        rows = [r for r in offset_rows if r[0] == p]
        print(f"- {os.path.relpath(p, SHARED)}: " + ", ".join(
            f"{r[1]:+d}: {r[2] if r[4] == 'ok' else r[4]}" for r in sorted(rows, key=lambda r: r[1])))
    print("\n## AUC of the sync score (P(out of sync as recorded)) on ../shared talking-heads, by source\n")
    print("| source | reals | fakes | AUC |")
    print("|---|---|---|---|")
    for src in ("sadtalker", "hyperlips", "vexpress"):
        pos = [sum(v) / len(v) for p, v in fake_scores.items() if source_of[p] == src and v]
        neg = [s for p, s in real_scores.items() if source_of[p] == src]
        print(f"| {src} | {len(neg)} | {len(pos)} | {fmt(auc(pos, neg))} |")
    pos = [sum(v) / len(v) for v in fake_scores.values() if v]
    neg = [s for p, s in real_scores.items() if source_of[p] != "ffdv"]
    print(f"| all talking-heads | {len(neg)} | {len(pos)} | {fmt(auc(pos, neg))} |")
    unscored = [os.path.relpath(p, SHARED) for p, v in fake_scores.items() if not v]
    if unscored:
        print("fakes with no score (no face / no audio): " + ", ".join(unscored))
    print("\nscores (P(out of sync)), reals: " + ", ".join(f"{os.path.basename(p)} {s:.2f}" for p, s in sorted(real_scores.items())))
    print("fakes: " + ", ".join(f"{os.path.relpath(p, SHARED)} {sum(v) / len(v):.2f}" for p, v in sorted(fake_scores.items()) if v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default=os.path.join(ROOT, "runs", "av-sync-eval"))
    ap.add_argument("--dflab", default=os.path.join(ROOT, "build", "apps", "dflab"))
    ap.add_argument("--part", choices=["synth", "real", "all"], default="all")
    ap.add_argument("--folds", type=int, default=0,
                    help="real part: 0 = leave one clip out (the issue's protocol, ~1 h), else k clip-disjoint folds")
    a = ap.parse_args()
    a.work = os.path.abspath(a.work)
    os.makedirs(a.work, exist_ok=True)
    if shutil.which("ffmpeg") is None:
        raise SystemExit("needs ffmpeg (apt install ffmpeg) to shift audio tracks")
    t = time.time()
    if a.part in ("synth", "all"):
        synth_part(a.dflab, a.work)
    if a.part in ("real", "all"):
        if not os.path.isdir(SHARED):
            raise SystemExit(f"no {SHARED}: the real-clip part needs ../shared/data")
        real_part(a.dflab, a.work, a.folds)
    print(f"\n(total {time.time() - t:.0f} s)")


if __name__ == "__main__":
    main()
