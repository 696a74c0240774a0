#!/usr/bin/env bash
# Whole jobs, dflab against the python3 pipelines they replace, on the same data in one run
# (issue 16), on the 128 clips of `dflab synth --seed 1`:
#   audio  the seed-004 FFDV recipe: bench/e2e/seed004_audio.toml vs bench/peers/e2e_audio_peer.py
#          (mel image 256 x 256 -> ResNet-18, Adam 3e-3, batch 40, 5 epochs, predict)
#   video  a DFDC-style job: bench/e2e/dfdc_video.toml vs bench/peers/e2e_video_peer.py (16 frames,
#          Haar cascade, 224 px crops, meso4 and resnet18 for 5 epochs each, predict)
#
#   bench/run_e2e_bench.sh [BUILD_DIR] [OUT_DIR]      (defaults: build, /tmp/dflab_e2e_bench)
#   JOBS="audio" bench/run_e2e_bench.sh               (default: "audio video")
#
# The two sides run alternately, ROUNDS times each (default 1), so both see the same background
# load; EPOCHS (5) and THREADS (2) apply to both. Each side runs as two processes, so each stage has
# its own numbers: extract (`dflab extract`; the peer's --stage extract) and train (`dflab run`,
# which finds every feature cached: training, validation, prediction; the peer's --stage train).
# Each process goes through /usr/bin/time -v: wall, CPU (user + sys) and peak RSS (the largest
# single process: the peer's DataLoader workers are separate processes, each counted alone). Prints
# each run's numbers, the peer's own stage times, dflab's per-model seconds, and the ratios of the
# medians (> 1: dflab faster / smaller). Splitting the peer costs it a second start-up (python3
# importing torch, torchvision, cv2, sklearn), which a notebook pays once: its whole-job wall and
# CPU have one such start-up, timed in the same round, taken off.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=${2:-/tmp/dflab_e2e_bench}
ROUNDS=${ROUNDS:-1}
EPOCHS=${EPOCHS:-5}
THREADS=${THREADS:-2}
JOBS=${JOBS:-audio video}
declare -A TEMPLATE=([audio]=bench/e2e/seed004_audio.toml [video]=bench/e2e/dfdc_video.toml)
declare -A PEER=([audio]=bench/peers/e2e_audio_peer.py [video]=bench/peers/e2e_video_peer.py)
DFLAB=$(realpath "$BUILD/apps/dflab")
[ -x "$DFLAB" ] || { echo "build dflab first: cmake --build $BUILD" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"

echo "BLAS: $(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$DFLAB" synth --out "$OUT/data" --seed 1 ${SYNTH_ARGS:-} >/dev/null   # SYNTH_ARGS: smaller sets for a smoke run

# One experiment file per job and round: a fresh work_dir and store, so no cache carries over.
experiment() {   # JOB ROUND
  sed -e "s|^root = \"data\"|root = \"$OUT/data\"|" \
      -e "s|^threads = 2|threads = $THREADS\ndb = \"$OUT/dflab-$1-$2/runs.sqlite\"\nwork_dir = \"$OUT/dflab-$1-$2/work\"|" \
      -e "s|epochs = 5|epochs = $EPOCHS|" "${TEMPLATE[$1]}" > "$OUT/$1-$2.toml"
}

for round in $(seq 1 "$ROUNDS"); do
  for job in $JOBS; do
    experiment "$job" "$round"
    echo "round $round, $job: dflab" >&2
    /usr/bin/time -v -o "$OUT/dflab-$job-$round-extract.time" "$DFLAB" extract "$OUT/$job-$round.toml" \
        > "$OUT/dflab-$job-$round-extract.out" 2> "$OUT/dflab-$job-$round-extract.log"
    /usr/bin/time -v -o "$OUT/dflab-$job-$round-train.time" "$DFLAB" run "$OUT/$job-$round.toml" --json \
        > "$OUT/dflab-$job-$round.json" 2> "$OUT/dflab-$job-$round-train.log"
    echo "round $round, $job: python3 peer" >&2
    /usr/bin/time -v -o "$OUT/peer-$job-$round-startup.time" /usr/bin/python3 -c \
        "import cv2, numpy, sklearn.metrics, torch, torchvision" 2> /dev/null
    for stage in extract train; do
      /usr/bin/time -v -o "$OUT/peer-$job-$round-$stage.time" /usr/bin/python3 "${PEER[$job]}" --data "$OUT/data" \
          --work "$OUT/peer-$job-$round" --epochs "$EPOCHS" --threads "$THREADS" --stage "$stage" \
          > "$OUT/peer-$job-$round-$stage.json" 2> "$OUT/peer-$job-$round-$stage.log"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

/usr/bin/python3 - "$OUT" "$ROUNDS" $JOBS <<'PY'
import json, statistics, sys
out, rounds, jobs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

def usage(path):
    t = {}
    for line in open(path):
        key, _, value = line.strip().rpartition(": ")
        t[key] = value
    h, m, s = (["0"] + t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))[-3:]
    return {"wall": int(h) * 3600 + int(m) * 60 + float(s), "cpu": float(t["User time (seconds)"]) + float(t["System time (seconds)"]),
            "rss_mb": int(t["Maximum resident set size (kbytes)"]) / 1024}

KEYS = ("wall", "cpu", "rss_mb", "extract_wall", "extract_rss_mb", "train_wall", "train_rss_mb")


def stages(prefix):
    """The extract and train processes of one side: walls and CPU summed (less the peer's second
    start-up), RSS the larger."""
    e, t = usage(prefix + "-extract.time"), usage(prefix + "-train.time")
    s = usage(prefix + "-startup.time") if prefix.split("/")[-1].startswith("peer") else {"wall": 0.0, "cpu": 0.0}
    return {"wall": e["wall"] + t["wall"] - s["wall"], "cpu": e["cpu"] + t["cpu"] - s["cpu"], "rss_mb": max(e["rss_mb"], t["rss_mb"]),
            "extract_wall": e["wall"], "extract_rss_mb": e["rss_mb"], "train_wall": t["wall"], "train_rss_mb": t["rss_mb"]}


table = []
for job in jobs:
    rows = {"dflab": [], "python3 peer": []}
    for r in range(1, rounds + 1):
        d, p = stages(f"{out}/dflab-{job}-{r}"), stages(f"{out}/peer-{job}-{r}")
        run = json.load(open(f"{out}/dflab-{job}-{r}.json"))
        peer = json.load(open(f"{out}/peer-{job}-{r}-train.json"))
        peer["seconds"].update(json.load(open(f"{out}/peer-{job}-{r}-extract.json"))["seconds"])
        d["stages"] = {row["name"]: round(row["seconds"], 1) for row in run["rows"]}
        d["val_auc"] = {row["name"]: row["val"].get("auc") for row in run["rows"]}
        p["stages"] = peer["seconds"]
        p["val_auc"] = peer["epochs"]
        rows["dflab"].append(d)
        rows["python3 peer"].append(p)
        for side, x in (("dflab", d), ("python3 peer", p)):
            print(f"{job} round {r} {side}: wall {x['wall']:.1f} s (extract {x['extract_wall']:.1f}, train {x['train_wall']:.1f}), "
                  f"CPU {x['cpu']:.1f} s, peak RSS extract {x['extract_rss_mb']:.0f} MB, train {x['train_rss_mb']:.0f} MB; "
                  f"stages (s) {json.dumps(x['stages'])}, validation {json.dumps(x['val_auc'])}")
    med = {side: {k: statistics.median(x[k] for x in xs) for k in KEYS} for side, xs in rows.items()}
    d, p = med["dflab"], med["python3 peer"]
    table += [f"| {job} | {side} | {m['wall']:.1f} | {m['extract_wall']:.1f} | {m['train_wall']:.1f} | {m['cpu']:.1f} | "
              f"{m['extract_rss_mb']:.0f} | {m['train_rss_mb']:.0f} |" for side, m in med.items()]
    r = {k: p[k] / d[k] for k in KEYS}
    table.append(f"| {job} | ratio (peer / dflab) | **{r['wall']:.2f}x** | {r['extract_wall']:.2f}x | {r['train_wall']:.2f}x | "
                 f"{r['cpu']:.2f}x | {r['extract_rss_mb']:.2f}x | {r['train_rss_mb']:.2f}x |")
print("\n| job | side | wall s | extract s | train s | CPU s | extract RSS MB | train RSS MB |\n"
      "|---|---|---|---|---|---|---|---|")
print("\n".join(table))
PY
