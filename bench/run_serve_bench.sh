#!/usr/bin/env bash
# Load test of `dflab serve` on loopback (results: reports/serve_bench.md).
#
#   bench/run_serve_bench.sh [BUILD_DIR]      (default: build; needs the dflab target)
#
# Makes the tiny synthetic experiment (bench/tiny_experiment.sh), serves its fusion run with WORKERS
# workers (default 1) and a queue of QUEUE (default 8), and runs bench/serve_load.py with 1 and 4 clients, REQUESTS requests each
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
bash bench/tiny_experiment.sh "$DFLAB" "$OUT"
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
