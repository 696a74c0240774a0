#!/usr/bin/env bash
# Scale-out numbers for reports/scale.md, short enough for a shared 2-core machine:
#  1. gradient all-reduce per step, 2 ranks on loopback (Gloo), resnet18 and efficientnet_b0
#     (bench/allreduce_bench.cpp: GradientAverager on the model's parameters, 25 MB buckets);
#  2. training speed-up of 2 ranks x 1 thread (dflab run --nproc 2 --threads 1) against 1 rank x
#     2 threads (dflab run --threads 2) on a generated dataset, one video model, same cache;
#  3. preprocessing cost per video: dflab extract of the FFDV samples in ../shared (when there)
#     with one thread: CPU seconds (user + sys) and cache bytes per video.
#
#   bench/run_scale_bench.sh [BUILD_DIR]     (targets: dflab, allreduce_bench)
#
# MODEL (default resnet18), SIZE (input px, default 112), EPOCHS (2), STEPS (all-reduce steps, 10).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DFLAB=$PWD/$BUILD/apps/dflab
AR=$PWD/$BUILD/bench/allreduce_bench
OUT=${DFLAB_BENCH_TMP:-/tmp/dflab_scale_bench}
MODEL=${MODEL:-resnet18}
SIZE=${SIZE:-112}
EPOCHS=${EPOCHS:-2}
STEPS=${STEPS:-10}
for b in "$DFLAB" "$AR"; do [ -x "$b" ] || { echo "build $b first (ninja -C $BUILD dflab allreduce_bench)" >&2; exit 2; }; done
rm -rf "$OUT"
mkdir -p "$OUT"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

echo "## 1. all-reduce per step (2 ranks, loopback Gloo, 1 thread each)"
for m in resnet18 efficientnet_b0; do
  port=$(free_port)
  env RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port "$AR" "$m" "$STEPS" &
  env RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port "$AR" "$m" "$STEPS"
  wait
done

echo "## 2. training: 2 ranks x 1 thread vs 1 rank x 2 threads ($MODEL ${SIZE}px, batch 16 per rank vs 32, $EPOCHS epochs)"
"$DFLAB" synth --out "$OUT/data" --train 24 --val 8 --test 4 --seconds 2 --seed 1 >/dev/null
cat > "$OUT/exp.toml" <<TOML
[experiment]
name = "scale"
seed = 42
threads = 2
db = "runs.sqlite"
work_dir = "work"
[data]
format = "ffdv"
root = "$OUT/data"
train = "trainset_label.txt"
val = "valset_label.txt"
test = "prediction.csv"
[video]
sampling = { strategy = "uniform", frames = 8 }
crop = { size = $SIZE, margin = 1.3 }
[audio]
enabled = false
[[models]]
name = "video"
plugin = "$MODEL"
modality = "video"
input_size = $SIZE
train = { epochs = $EPOCHS, batch = BATCH, workers = 1 }
TOML
train_seconds() {   # sum of the epochs' train seconds of run video in DB
  "$DFLAB" show video --db "$1" --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(m["value"] for m in d["epochs"] if m["split"] == "train" and m["name"] == "seconds"))'
}
allreduce_seconds() {
  "$DFLAB" show video --db "$1" --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(m["value"] for m in d["epochs"] if m["name"] == "allreduce_seconds"))'
}
sed -e 's/BATCH/32/' -e 's/runs.sqlite/one.sqlite/' "$OUT/exp.toml" > "$OUT/one.toml"
sed -e 's/BATCH/16/' -e 's/runs.sqlite/two.sqlite/' "$OUT/exp.toml" > "$OUT/two.toml"
"$DFLAB" extract "$OUT/one.toml" >/dev/null   # the cache both runs read
/usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$OUT/one.time" "$DFLAB" run "$OUT/one.toml" --threads 2 >/dev/null 2>"$OUT/one.err"
/usr/bin/time -f "%e s wall, %U s user, %S s sys" -o "$OUT/two.time" "$DFLAB" run "$OUT/two.toml" --nproc 2 --threads 1 >/dev/null 2>"$OUT/two.err"
one=$(train_seconds "$OUT/one.sqlite"); two=$(train_seconds "$OUT/two.sqlite"); ar=$(allreduce_seconds "$OUT/two.sqlite")
echo "1 rank x 2 threads (batch 32): training $one s over $EPOCHS epochs; whole run $(cat "$OUT/one.time")"
echo "2 ranks x 1 thread (batch 16 each): training $two s (all-reduce $ar s of it); whole run $(cat "$OUT/two.time")"
/usr/bin/python3 -c "print('speed-up of training (1 rank x 2 threads / 2 ranks x 1 thread): %.2f' % ($one / $two))"
for f in one two; do
  "$DFLAB" show video --db "$OUT/$f.sqlite" --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
v = d["metrics"].get("val", {})
print(sys.argv[1], "val auc", v.get("auc"), "val logloss", v.get("logloss"))' "$f"
done

echo "## 3. preprocessing cost per video (dflab extract, 1 thread, dlib_hog, 8 frames, mel)"
SAMPLES=${DFLAB_SHARED_DIR:-../shared}/data/ffdv-sample
if [ -d "$SAMPLES" ]; then
  sed -e "s#../runs/ffdv-sample#$OUT/ffdv#" -e "s#../../shared/data/ffdv-sample#$(cd "$SAMPLES" && pwd)#" \
    examples/ffdv_extract.toml > "$OUT/ffdv.toml"
  /usr/bin/time -f "%e %U %S" -o "$OUT/ffdv.time" "$DFLAB" extract "$OUT/ffdv.toml" --threads 1 --json > "$OUT/ffdv.json" 2>/dev/null
  n=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["n_videos"])' "$OUT/ffdv.json")
  read -r wall user sys < "$OUT/ffdv.time"
  faces=$(du -sb "$OUT/ffdv/cache/faces" | cut -f1); audio=$(du -sb "$OUT/ffdv/cache/audio" | cut -f1)
  files=$(find "$OUT/ffdv/cache" -type f | wc -l)
  /usr/bin/python3 -c "
n, wall, cpu = $n, $wall, $user + $sys
print('%d videos: %.1f s wall, %.2f CPU s per video; cache %.0f kB faces + %.0f kB audio per video, %.1f files per video' % (
  n, wall, cpu / n, $faces / n / 1e3, $audio / n / 1e3, $files / n))"
  /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("probe:", d["video_status"], d["audio_status"])' "$OUT/ffdv.json"
else
  echo "no $SAMPLES: skipped"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
