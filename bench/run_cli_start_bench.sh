#!/usr/bin/env bash
# Start-up cost of `dflab` commands (results: reports/cli_start.md): wall time and peak RSS of each
# command, the median of RUNS runs (default 15), against peers measured in the same run.
#
#   bench/run_cli_start_bench.sh [BUILD_DIR]      (default: build; needs the dflab target)
#
# What is timed: `dflab --help`; `dflab score` on a 10,000-row prediction file, with its default
# 1000-resample bootstrap intervals and without (the peer: the same file scored by scikit-learn's roc_auc_score + log_loss in /usr/bin/python3, imports included);
# `dflab runs` / `show` on the tiny experiment's store (bench/tiny_experiment.sh); `dflab plugins`
# (loads the media library); `dflab info` (loads libtorch: what every command paid before the
# command libraries, apps/command_libraries.h); `python3 -c "import torch"` for scale.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DFLAB=$BUILD/apps/dflab
RUNS=${RUNS:-15}
OUT=${DFLAB_BENCH_TMP:-/tmp/dflab_cli_start_bench}
[ -x "$DFLAB" ] || { echo "build $DFLAB first: ninja -C $BUILD dflab" >&2; exit 2; }
bash bench/tiny_experiment.sh "$DFLAB" "$OUT"

# 10,000 videos, labels alternating, scores a fixed function of the row (no randomness).
awk 'BEGIN { print "video_name,target"; for (i = 0; i < 10000; i++) printf "v%05d.mp4,%d\n", i, i % 2 }' \
    > "$OUT/labels.csv"
awk 'BEGIN { print "video_name,score"; for (i = 0; i < 10000; i++) printf "v%05d.mp4,%.6f\n", i, ((i * 7919) % 1000) / 1000 * 0.6 + (i % 2) * 0.3 }' \
    > "$OUT/pred.csv"
cat > "$OUT/sklearn_score.py" <<'PY'
import csv, sys
from sklearn.metrics import log_loss, roc_auc_score
labels = {r["video_name"]: int(r["target"]) for r in csv.DictReader(open(sys.argv[2]))}
rows = [(labels[r["video_name"]], float(r["score"])) for r in csv.DictReader(open(sys.argv[1]))]
y, s = [a for a, _ in rows], [b for _, b in rows]
print(roc_auc_score(y, s), log_loss(y, s))
PY

# median wall milliseconds (bash's microsecond clock around the run) and median peak RSS (MB,
# /usr/bin/time's, a second run: its own wall clock has only 10 ms steps) of RUNS runs of "$@"
measure() {
  local times=() rss=() t0 t1 m
  for _ in $(seq "$RUNS"); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>"$OUT/err.txt" || { cat "$OUT/err.txt" >&2; exit 1; }
    t1=$EPOCHREALTIME
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) * 1000}')")
    /usr/bin/time -f "%M" -o "$OUT/time.txt" "$@" >/dev/null 2>&1
    rss+=("$(cat "$OUT/time.txt")")
  done
  local mt mr
  mt=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mr=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
  echo "$mt $mr"
}

row() {   # label, command...
  local label=$1; shift
  read -r t m < <(measure "$@")
  printf '| %s | %s | %s |\n' "$label" "$t" "$m"
}

DB=$OUT/exp/runs.sqlite
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $RUNS runs each, medians" >&2
echo "| command | wall ms | peak RSS MB |"
echo "|---|---:|---:|"
row "dflab --help" "$DFLAB" --help
row "dflab score (10,000 rows)" "$DFLAB" score --pred "$OUT/pred.csv" --labels "$OUT/labels.csv"
row "dflab score --bootstrap 0 (10,000 rows, no intervals)" "$DFLAB" score --bootstrap 0 --pred "$OUT/pred.csv" --labels "$OUT/labels.csv"
row "peer: sklearn roc_auc + log_loss (10,000 rows)" /usr/bin/python3 "$OUT/sklearn_score.py" "$OUT/pred.csv" "$OUT/labels.csv"
row "dflab runs" "$DFLAB" runs --db "$DB"
row "dflab show tiny/fusion-mean" "$DFLAB" show --db "$DB" tiny/fusion-mean
row "dflab plugins (media library)" "$DFLAB" plugins
row "dflab info (libtorch)" "$DFLAB" info
row "peer: python3 -c 'import torch'" /usr/bin/python3 -c "import torch"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
