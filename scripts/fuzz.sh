#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, -fsanitize=fuzzer,address,undefined) in
# build-fuzz and runs each for SECONDS (default 60), one after the other; prints per target the
# executions and the crashes, then a summary. Exits 1 if any target crashed.
#
#   bash scripts/fuzz.sh 60                      # every target, 60 s each
#   bash scripts/fuzz.sh 30 npy_fuzz dfdc_fuzz   # some targets
#
# Per target, build-fuzz/fuzz/<target>/ holds: seeds/ (made fresh each run from
# tests/fuzz/seeds/<target>/, the tests' fixtures and tiny generated inputs; tests/fuzz/<target>.dict
# is passed as libFuzzer's dictionary when there is one), corpus/ (what
# libFuzzer found interesting; kept between runs), crashes/ (reproducers: run
# `build-fuzz/tests/fuzz/<target> FILE` to replay one) and log.txt.
# DFLAB_FUZZ_BUILD=dir picks another build folder; DFLAB_JOBS=n the build's parallelism (2).
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=${DFLAB_FUZZ_BUILD:-$root/build-fuzz}
all_targets=(experiment_config_fuzz csv_reader_fuzz ffdv_fuzz csv_dataset_fuzz dfdc_fuzz
             predictions_fuzz store_json_fuzz npy_fuzz media_probe_fuzz)
if [[ $# -gt 0 ]]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# --- build (only the libraries the targets link) ---------------------------------------------------
if [[ ! -f $build/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ nice -n 10 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDFLAB_FUZZ=ON -DDFLAB_BUILD_TESTS=OFF -DDFLAB_BUILD_BENCH=OFF >/dev/null
fi
nice -n 10 cmake --build "$build" --target dflab_fuzzers -j "${DFLAB_JOBS:-2}"

# --- seeds -----------------------------------------------------------------------------------------
# The dataset targets read their first byte as a mode (problem policy, labelled or not, delimiter,
# header names); each text seed is given in the four modes '0'..'3'.
with_modes() {   # with_modes OUT_DIR FILES...
  local out=$1 f m
  shift
  for f in "$@"; do
    [[ -f $f ]] || continue
    for m in 0 1 2 3; do { printf '%s' "$m"; cat "$f"; } >"$out/$m-$(basename "$f")"; done
  done
}

make_npy_seeds() {   # float32/float64, 1-D/2-D, format 1.0 and 2.0, Fortran order
  python3 - "$1" <<'EOF'
import struct, sys
out = sys.argv[1]
def npy(name, descr, shape, n, version=1, fortran=False):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    data = struct.pack("<%d%s" % (n, "f" if descr.endswith("4") else "d"), *[i * 0.5 for i in range(n)])
    open(f"{out}/{name}.npy", "wb").write(b"\x93NUMPY" + bytes([version, 0]) + size + header.encode() + data)
npy("f4_2d", "<f4", "(3, 4)", 12)
npy("f8_1d", "<f8", "(5,)", 5)
npy("v2", "<f4", "(2, 2)", 4, version=2)
npy("fortran", "<f4", "(2, 3)", 6, fortran=True)
npy("empty", "<f4", "(0, 7)", 0)
EOF
}

make_media_seeds() {   # a few KB each: tiny clips in the containers datasets hold
  command -v ffmpeg >/dev/null || { echo "fuzz.sh: no ffmpeg, media seeds are the fixtures only" >&2; return; }
  local out=$1 v="-f lavfi -i testsrc=size=16x16:rate=5:duration=0.4" a="-f lavfi -i sine=frequency=440:sample_rate=8000:duration=0.2"
  local ff="ffmpeg -nostdin -loglevel error -y"
  $ff $v $a -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 16k -shortest "$out/h264_aac.mp4" || true
  $ff $v -c:v mpeg4 "$out/mpeg4.avi" || true
  $ff $v -c:v mjpeg "$out/mjpeg.mkv" || true
  $ff $v -c:v libvpx -b:v 20k "$out/vp8.webm" 2>/dev/null || true
  $ff $a "$out/pcm.wav" || true
  $ff $a -c:a libmp3lame -b:a 8k "$out/sine.mp3" 2>/dev/null || true
  $ff $a -c:a flac "$out/sine.flac" || true
  $ff $v $a -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 16k -shortest -f mpegts "$out/h264.ts" || true
  find "$out" -type f -size +16k -delete   # keep inputs within -max_len
}

make_seeds() {   # make_seeds TARGET OUT_DIR
  local t=$1 out=$2 name=${1%_fuzz}
  rm -rf "$out" && mkdir -p "$out"
  local committed=("$root"/tests/fuzz/seeds/"$name"/*)
  case $t in
    csv_reader_fuzz|ffdv_fuzz|csv_dataset_fuzz|predictions_fuzz|dfdc_fuzz)
      with_modes "$out" "${committed[@]}" ;;
    experiment_config_fuzz)
      cp "${committed[@]}" "$out/"
      cp "$root"/examples/*.toml "$out/" ;;
    store_json_fuzz)   # any bytes: FuzzedDataProvider cuts them into fields
      cp "$root"/tests/fuzz/seeds/experiment_config/* "$root"/tests/fuzz/seeds/dfdc/* "$out/" ;;
    npy_fuzz)
      find "$root/tests/modalities/audio/fixtures" -name '*.npy' -size -5k -exec cp {} "$out/" \;
      make_npy_seeds "$out" ;;
    media_probe_fuzz)
      make_media_seeds "$out" ;;
  esac
}

max_len_of() {
  case $1 in
    media_probe_fuzz) echo 16384 ;;
    npy_fuzz) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

# --- run -------------------------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
printf '%-24s %8s %12s %10s %8s\n' target seconds executions exec/s crashes
n_crashed=0
total_execs=0
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/$t
  dir=$build/fuzz/$t
  mkdir -p "$dir/corpus" "$dir/crashes"
  make_seeds "$t" "$dir/seeds"
  marker=$dir/.started
  touch "$marker"
  dict=()
  [[ -f $root/tests/fuzz/$t.dict ]] && dict=(-dict="$root/tests/fuzz/$t.dict")
  set +e
  # -use_value_profile: finer coverage for the string compares the parsers are made of.
  nice -n 10 "$exe" "$dir/corpus" "$dir/seeds" -max_total_time="$seconds" -max_len="$(max_len_of "$t")" \
    -timeout=10 -rss_limit_mb=2048 -use_value_profile=1 -print_final_stats=1 \
    -artifact_prefix="$dir/crashes/" "${dict[@]}" >"$dir/log.txt" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log.txt" | tail -1 | awk '{print $2}')
  execs=${execs:-0}
  crashes=$(find "$dir/crashes" -type f -newer "$marker" | wc -l)
  if [[ $rc -ne 0 && $crashes -eq 0 ]]; then crashes=1; fi   # died without writing a reproducer
  total_execs=$((total_execs + execs))
  printf '%-24s %8s %12s %10s %8s\n' "$t" "$seconds" "$execs" "$((execs / (seconds > 0 ? seconds : 1)))" "$crashes"
  if [[ $crashes -gt 0 ]]; then
    n_crashed=$((n_crashed + 1))
    find "$dir/crashes" -type f -newer "$marker" -printf '    reproducer: %p\n'
    grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|terminate called|uncaught' "$dir/log.txt" |
      sed 's/^/    /' || true
    echo "    log: $dir/log.txt"
  fi
done
echo "summary: ${#targets[@]} targets, ${seconds} s each, $total_execs executions, $n_crashed crashed"
[[ $n_crashed -eq 0 ]]
