#!/usr/bin/env bash
# dflab (libtorch C++) vs python3-torch eager: training and inference images/s, batch 32, 2 threads,
# resnet18 at 112 and 224 px and meso4 at 256 px, in one run.
#
#   bench/run_train_bench.sh [BUILD_DIR]     (default: build; needs target dflab_train_bench)
#
# The two run alternately, ROUNDS times each (default 2), so both see the same background load;
# each run times >= 3 steps per model and mode after a warm-up step (more while under BUDGET_S s)
# and reports per-step medians; the table takes the median over rounds. SWAP_MALLOC=1 (default)
# adds dflab with glibc's default allocator and the peer with dflab's (two more runs per round).
# Prints the selected BLAS and one markdown table with ratios (> 1: dflab faster). A resnet18
# training step at 224 px takes ~5-10 s on 2 idle cores, so the whole run is ~10 minutes there
# with SWAP_MALLOC=1, longer on a loaded machine.
# Results: reports/train_bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BENCH=$BUILD/bench/dflab_train_bench
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
BUDGET=${BUDGET_S:-2}
CONFIGS=(resnet18:112 resnet18:224 meso4:256)
OUT=${DFLAB_BENCH_TMP:-/tmp/dflab_train_bench}
[ -x "$BENCH" ] || { echo "build $BENCH first: ninja -C $BUILD dflab_train_bench" >&2; exit 2; }
mkdir -p "$OUT"
: > "$OUT/results.jsonl"

echo "BLAS: $(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# dflab keeps freed memory in the process (experiments/torch_runtime.h); each side also runs with
# the other's allocator setting, so the table separates the allocator from the rest.
KEEP_TUNABLES="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=18446744073709551615"
for r in $(seq "$ROUNDS"); do
  echo "round $r/$ROUNDS: dflab" >&2
  "$BENCH" --threads="$THREADS" --batch=32 --budget_s="$BUDGET" "${CONFIGS[@]}" >> "$OUT/results.jsonl"
  echo "round $r/$ROUNDS: python3-torch" >&2
  /usr/bin/python3 bench/peers/train_peer.py --threads "$THREADS" --batch 32 --budget_s "$BUDGET" "${CONFIGS[@]}" \
      >> "$OUT/results.jsonl"
  if [ "${SWAP_MALLOC:-1}" = 1 ]; then
    echo "round $r/$ROUNDS: dflab with glibc's default malloc" >&2
    DFLAB_MALLOC=default "$BENCH" --threads="$THREADS" --batch=32 --budget_s="$BUDGET" "${CONFIGS[@]}" \
        >> "$OUT/results.jsonl"
    echo "round $r/$ROUNDS: python3-torch with dflab's malloc setting" >&2
    GLIBC_TUNABLES=$KEEP_TUNABLES /usr/bin/python3 bench/peers/train_peer.py --threads "$THREADS" --batch 32 \
        --budget_s "$BUDGET" "${CONFIGS[@]}" >> "$OUT/results.jsonl"
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

/usr/bin/python3 - "$OUT/results.jsonl" <<'PY'
import collections, json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(list)
for r in rows:
    by[(r["model"], r["size"], r["mode"], r["impl"], r.get("malloc", "default"))].append(r)
def med(key, field):
    return statistics.median(r[field] for r in by[key])
def ips(key):
    return f"{med(key, 'images_per_s'):.1f}" if by[key] else ""
print("| model | px | mode | dflab img/s | python3-torch img/s | speed × | dflab CPU s/step | peer CPU s/step | CPU × "
      "| dflab, glibc default malloc img/s | peer, dflab's malloc img/s | params (dflab / peer) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
seen = []
for r in rows:
    k = (r["model"], r["size"], r["mode"])
    if k in seen: continue
    seen.append(k)
    d, p = k + ("dflab", "kept"), k + ("python3-torch", "default")
    if not by[d] or not by[p]: continue
    di, pi = med(d, "images_per_s"), med(p, "images_per_s")
    dc, pc = med(d, "median_cpu_s"), med(p, "median_cpu_s")
    print(f"| {k[0]} | {k[1]} | {k[2]} | {di:.1f} | {pi:.1f} | **{di / pi:.2f}** | {dc:.3f} | {pc:.3f} | {pc / dc:.2f} "
          f"| {ips(k + ('dflab', 'default'))} | {ips(k + ('python3-torch', 'kept'))} "
          f"| {by[d][0]['n_params']:,} / {by[p][0]['n_params']:,} |")
steps = {i: sum(r["steps"] for r in rows if r["impl"] == i) for i in ("dflab", "python3-torch")}
print(f"\nsteps timed: {steps}; rounds: {len(by[next(iter(by))])}; torch {rows[0]['torch']} (dflab) / "
      f"{next(r['torch'] for r in rows if r['impl'] != 'dflab')} (peer)")
PY
