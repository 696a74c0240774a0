#!/usr/bin/env bash
# Whole jobs, dflab against the python3-torch pipeline it replaces, on the same data in one run
# (issue 16). So far the audio job: the seed-004 FFDV recipe (bench/e2e/seed004_audio.toml vs
# bench/peers/e2e_audio_peer.py: mel image 256 x 256 -> ResNet-18, Adam 3e-3, batch 40, 5 epochs,
# predict) on the 128 clips of `dflab synth --seed 1`. The DFDC-style video job is not written yet.
#
#   bench/run_e2e_bench.sh [BUILD_DIR] [OUT_DIR]      (defaults: build, /tmp/dflab_e2e_bench)
#
# The two sides run alternately, ROUNDS times each (default 1), so both see the same background
# load; EPOCHS (5) and THREADS (2) apply to both. Each run goes through /usr/bin/time -v: wall,
# CPU (user + sys) and peak RSS (the largest single process: the peer's DataLoader workers are
# separate processes, each counted alone). Prints each run's numbers, the peer's own stage times,
# dflab's per-model seconds, and the ratios of the medians (> 1: dflab faster / smaller).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=${2:-/tmp/dflab_e2e_bench}
ROUNDS=${ROUNDS:-1}
EPOCHS=${EPOCHS:-5}
THREADS=${THREADS:-2}
DFLAB=$(realpath "$BUILD/apps/dflab")
[ -x "$DFLAB" ] || { echo "build dflab first: cmake --build $BUILD" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"

echo "BLAS: $(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$DFLAB" synth --out "$OUT/data" --seed 1 >/dev/null

# One experiment file per round: a fresh work_dir and store, so no cache carries over.
experiment() {
  sed -e "s|^root = \"data\"|root = \"$OUT/data\"|" \
      -e "s|^threads = 2|threads = $THREADS\ndb = \"$OUT/dflab-$1/runs.sqlite\"\nwork_dir = \"$OUT/dflab-$1/work\"|" \
      -e "s|epochs = 5|epochs = $EPOCHS|" bench/e2e/seed004_audio.toml > "$OUT/audio-$1.toml"
}

for round in $(seq 1 "$ROUNDS"); do
  experiment "$round"
  echo "round $round: dflab" >&2
  /usr/bin/time -v -o "$OUT/dflab-$round.time" "$DFLAB" run "$OUT/audio-$round.toml" --json \
      > "$OUT/dflab-$round.json" 2> "$OUT/dflab-$round.log"
  echo "round $round: python3-torch" >&2
  /usr/bin/time -v -o "$OUT/peer-$round.time" /usr/bin/python3 bench/peers/e2e_audio_peer.py --data "$OUT/data" \
      --work "$OUT/peer-$round" --epochs "$EPOCHS" --threads "$THREADS" > "$OUT/peer-$round.json" 2> "$OUT/peer-$round.log"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

/usr/bin/python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])

def usage(path):
    t = {}
    for line in open(path):
        key, _, value = line.strip().rpartition(": ")
        t[key] = value
    h, m, s = (["0"] + t["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"))[-3:]
    return {"wall": int(h) * 3600 + int(m) * 60 + float(s), "cpu": float(t["User time (seconds)"]) + float(t["System time (seconds)"]),
            "rss_mb": int(t["Maximum resident set size (kbytes)"]) / 1024}

rows = {"dflab": [], "python3-torch": []}
for r in range(1, rounds + 1):
    d, p = usage(f"{out}/dflab-{r}.time"), usage(f"{out}/peer-{r}.time")
    run = json.load(open(f"{out}/dflab-{r}.json"))
    peer = json.load(open(f"{out}/peer-{r}.json"))
    d["stages"] = {row["name"]: round(row["seconds"], 1) for row in run["rows"]}
    d["val_auc"] = run["rows"][0]["val"].get("auc")
    p["stages"] = {k: round(v, 1) for k, v in peer["seconds"].items()}
    p["val_auc"] = max(e["val_auc"] for e in peer["epochs"])
    rows["dflab"].append(d)
    rows["python3-torch"].append(p)
    for side, x in (("dflab", d), ("python3-torch", p)):
        print(f"round {r} {side}: wall {x['wall']:.1f} s, CPU {x['cpu']:.1f} s, peak RSS {x['rss_mb']:.0f} MB, "
              f"stages {x['stages']}, val AUC {x['val_auc']}")
med = {side: {k: statistics.median(x[k] for x in xs) for k in ("wall", "cpu", "rss_mb")} for side, xs in rows.items()}
print("\n| job | side | wall s | CPU s | peak RSS MB |\n|---|---|---|---|---|")
for side in rows:
    m = med[side]
    print(f"| seed-004 audio | {side} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['rss_mb']:.0f} |")
d, p = med["dflab"], med["python3-torch"]
print(f"| seed-004 audio | ratio (peer / dflab) | **{p['wall'] / d['wall']:.2f}x** | {p['cpu'] / d['cpu']:.2f}x | "
      f"{p['rss_mb'] / d['rss_mb']:.2f}x |")
PY
