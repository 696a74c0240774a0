#!/usr/bin/env bash
# Load test of `dflab serve` on loopback (results: reports/serve_bench.md).
#
#   bench/run_serve_bench.sh [BUILD_DIR]      (default: build; needs the dflab target)
#
# Makes the tiny synthetic experiment (dflab synth: 1 s clips, a meso4 video model and a mel_cnn
# audio model, 1 epoch), serves its fusion run with WORKERS workers (default 1) and a queue of
# QUEUE (default 8), and runs bench/serve_load.py with 1 and 4 clients, REQUESTS requests each
# (default 40): requests/s, p50/p99 latency, and no request lost or answered twice.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DFLAB=$BUILD/apps/dflab
WORKERS=${WORKERS:-1}
QUEUE=${QUEUE:-8}
REQUESTS=${REQUESTS:-40}
OUT=${DFLAB_BENCH_TMP:-/tmp/dflab_serve_bench}
[ -x "$DFLAB" ] || { echo "build $DFLAB first: ninja -C $BUILD dflab" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/exp"
"$DFLAB" synth --out "$OUT/data" --train 12 --val 8 --test 4 --seconds 1 --seed 3 >/dev/null
cat > "$OUT/exp/exp.toml" <<TOML
[experiment]
name = "tiny"
seed = 5
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
sampling = { strategy = "uniform", frames = 4 }
crop = { size = 32, margin = 1.3 }
[audio]
feature = { plugin = "mel", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 32, to_db = true }
[[models]]
name = "video"
plugin = "meso4"
input_size = 32
modality = "video"
train = { epochs = 1, batch = 8, workers = 1 }
[[models]]
name = "audio"
plugin = "mel_cnn"
n_mels = 32
frames = 32
width = 0.5
modality = "audio"
train = { epochs = 1, batch = 8, workers = 1 }
[[fusion]]
plugin = "mean"
TOML
"$DFLAB" run "$OUT/exp/exp.toml" >/dev/null 2>"$OUT/run.log"
VIDEO=$OUT/data/testset/$(sed -n 2p "$OUT/data/prediction.csv" | cut -d, -f1)
"$DFLAB" serve --db "$OUT/exp/runs.sqlite" --run tiny/fusion-mean --port 0 --workers "$WORKERS" --queue "$QUEUE" \
    >"$OUT/serve.out" 2>"$OUT/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  grep -q "listening on" "$OUT/serve.out" 2>/dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$OUT/serve.err" >&2; exit 1; }
  sleep 0.2
done
URL=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$OUT/serve.out")
echo "server $URL, workers $WORKERS, queue $QUEUE, video $(basename "$VIDEO") ($(stat -c %s "$VIDEO") bytes)" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
/usr/bin/python3 bench/serve_load.py --url "$URL" --video "$VIDEO" --clients 1,4 --requests "$REQUESTS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
