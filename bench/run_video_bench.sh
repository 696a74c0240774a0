#!/usr/bin/env bash
# dflab vs python3-opencv: 16 uniform frames + Haar + crops from 10 s H.264 clips, in one run.
#
#   bench/run_video_bench.sh [BUILD_DIR]        (default: build; needs target video_faces_bench)
#
# Makes the clips in /tmp with the ffmpeg CLI from a shared FFDV talking-head clip (scaled and
# padded to 1920×1080, looped to 10 s, libx264 veryfast CRF 23): one with x264's default key frame
# interval (250) and one with a key frame every second (-g 30). Prints one markdown table and
# measures the peak RSS of extracting one 1080p clip with /usr/bin/time -v.
# Results: reports/video_bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BENCH=$BUILD/bench/video_faces_bench
SHARED=${DFLAB_SHARED:-../shared}
SRC=$SHARED/data/ffdv-sample/trainset/2359ab528cd84d273ca9db9719fadde9.mp4
OUT=${DFLAB_BENCH_TMP:-/tmp/dflab_video_bench}
mkdir -p "$OUT"
[ -x "$BENCH" ] || { echo "build $BENCH first: ninja -C $BUILD video_faces_bench" >&2; exit 2; }
[ -f "$SRC" ] || { echo "missing $SRC (shared data)" >&2; exit 2; }

make_clip() {   # name, extra x264 options
  local dst=$OUT/$1.mp4
  [ -f "$dst" ] || ffmpeg -v error -y -stream_loop -1 -i "$SRC" -t 10 -an \
      -vf "scale=-2:1080,pad=1920:1080:(ow-iw)/2:0" -c:v libx264 -preset veryfast -crf 23 \
      -pix_fmt yuv420p $2 "$dst"
  echo "$dst"
}
CLIPS=("$(make_clip faces_1080p_g250 "")" "$(make_clip faces_1080p_g30 "-g 30")")

# The dflab program keeps freed memory in the process (experiments/torch_runtime.h, set in
# apps/main.cpp); the bench binary does not link the app, so it gets the same glibc setting through
# GLIBC_TUNABLES (DFLAB_MALLOC=default: glibc's default, as before 2026-12-06). The peer runs as a
# notebook does, and once more with the same setting (printed after the table).
KEEP_TUNABLES="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=18446744073709551615"
DFLAB_TUNABLES=$([ "${DFLAB_MALLOC:-}" = default ] || echo "$KEEP_TUNABLES")
for clip in "${CLIPS[@]}"; do
  name=$(basename "$clip" .mp4)
  GLIBC_TUNABLES=$DFLAB_TUNABLES "$BENCH" "$clip" --benchmark_format=json \
      --benchmark_out="$OUT/$name.dflab.json" --benchmark_out_format=json > /dev/null
  /usr/bin/python3 bench/peers/video_faces_peer.py "$clip" --repeat 3 > "$OUT/$name.peer.json"
  GLIBC_TUNABLES=$KEEP_TUNABLES /usr/bin/python3 bench/peers/video_faces_peer.py "$clip" --repeat 3 \
      > "$OUT/$name.peer_kept.json"
  for w in 1 2; do
    /usr/bin/python3 bench/peers/video_faces_peer.py "$clip" --workers $w --videos 8 > "$OUT/$name.peer_w$w.json"
  done
done

/usr/bin/python3 - "$OUT" "${CLIPS[@]}" <<'EOF'
import json, os, sys
out, clips = sys.argv[1], sys.argv[2:]
print("| clip | what | dflab wall ms | peer wall ms | wall × | dflab CPU ms | peer CPU ms | CPU × | dflab frames/s | dflab videos/s | frames decoded |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for clip in clips:
    name = os.path.basename(clip)[:-4]
    d = json.load(open(f"{out}/{name}.dflab.json"))["benchmarks"]
    p = json.load(open(f"{out}/{name}.peer.json"))
    for b in d:
        if b["name"].startswith("BM_FacesHaarParallel"):
            continue
        wall, cpu = b["real_time"], b["cpu_time"]
        if b["name"].startswith("BM_DecodeUniform"):
            key, what = "decode", "decode " + b["label"]
        else:
            key, what = "faces", "decode+Haar+crop " + b["label"]
        comparable = "k=4" not in b["label"]
        pw, pc = p[key + "_s"] * 1e3, p[key + "_cpu_s"] * 1e3
        cmp = f"{pw:.0f} | {pw / wall:.2f} | {cpu:.0f} | {pc:.0f} | {pc / cpu:.2f}" if comparable else f" | | {cpu:.0f} | |"
        decoded = b.get("decoded_per_video")
        print(f"| {name} | {what} | {wall:.0f} | {cmp} | {b['frames_per_s']:.1f} | {b['videos_per_s']:.2f} | "
              f"{'' if decoded is None else f'{decoded:.0f}'} |")
    print(f"| {name} | peer: python3-opencv {p['opencv']} (cv threads {p['cv_threads']}), {p['frames']} frames, "
          f"face in {p['detected']} | | | | | | | | | |")

print()
for clip in clips:
    name = os.path.basename(clip)[:-4]
    k = json.load(open(f"{out}/{name}.peer_kept.json"))
    print(f"{name}: peer with dflab's malloc setting: decode {k['decode_cpu_s'] * 1e3:.0f} ms CPU, "
          f"decode+Haar+crop {k['faces_cpu_s'] * 1e3:.0f} ms CPU ({k['faces_s'] * 1e3:.0f} ms wall)")
print()
print("Throughput (8 videos per batch, wall clock): dflab worker threads vs peer multiprocessing.Pool")
print()
print("| clip | workers | dflab videos/s | peer videos/s | × |")
print("|---|---|---|---|---|")
for clip in clips:
    name = os.path.basename(clip)[:-4]
    d = json.load(open(f"{out}/{name}.dflab.json"))["benchmarks"]
    for b in d:
        if not b["name"].startswith("BM_FacesHaarParallel"):
            continue
        w = int(b["name"].split("workers:")[1].split("/")[0])
        p = json.load(open(f"{out}/{name}.peer_w{w}.json"))
        print(f"| {name} | {w} | {b['videos_per_s']:.2f} | {p['videos_per_s']:.2f} | {b['videos_per_s'] / p['videos_per_s']:.2f} |")
EOF

# Peak memory of one extraction of a 10 s 1080p clip (16 frames held until tracking is done; as
# yuv in `dflab video faces`, as BGR by default).
clip=${CLIPS[0]}
if "$BUILD/apps/dflab" plugins --kind face_detector 2>/dev/null | grep '^  haar ' > /dev/null; then
  /usr/bin/time -v "$BUILD/apps/dflab" video faces "$clip" --out "$OUT/faces_out" 2> "$OUT/time.txt" > /dev/null
  echo "dflab video faces (haar plugin): $(grep 'Maximum resident' "$OUT/time.txt")"
fi
for h in 0 1; do
  /usr/bin/time -v "$BENCH" "$clip" --benchmark_filter="BM_FacesHaarUniform16/threads:1/hold_yuv:$h/roi_every:0" \
      --benchmark_min_time=0.01 2> "$OUT/time_bench.txt" > /dev/null
  echo "video_faces_bench one extraction, hold_yuv=$h: $(grep 'Maximum resident' "$OUT/time_bench.txt")"
done
/usr/bin/time -v /usr/bin/python3 bench/peers/video_faces_peer.py "$clip" --repeat 1 2> "$OUT/time_peer.txt" > /dev/null
echo "python3-opencv peer: $(grep 'Maximum resident' "$OUT/time_peer.txt")"
