#!/usr/bin/env bash
# Sharded extraction equals unsharded extraction, byte for byte (issue 14): extracts the experiment
# (default: examples/ffdv_extract.toml, the FFDV samples of ../shared) once whole and once as N
# shards run side by side, each into its own temporary work_dir, then compares the sha256 of every
# cache file (face crops, landmarks, audio features; not the shards' own outcome files).
#
#   bash scripts/check_sharded_extract.sh [EXP.toml] [N]      (after the README's build)
#
# Prints "identical: K cache files" and exits 0, or the differing files and exits 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exp=$(realpath "${1:-$root/examples/ffdv_extract.toml}")
n=${2:-2}
dflab=${DFLAB:-$root/build/apps/dflab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The same file with an absolute work_dir of our own; everything else (data root included) resolves
# from a copy placed beside the original, so relative paths keep their meaning.
for run in whole sharded; do
  copy="$(dirname "$exp")/.check_sharded_$run.$$.toml"
  sed -e "s#^work_dir *=.*#work_dir = \"$tmp/$run\"#" "$exp" > "$copy"
  eval "${run}_toml=\$copy"
done
trap 'rm -rf "$tmp" "$whole_toml" "$sharded_toml"' EXIT

"$dflab" extract "$whole_toml" --json > "$tmp/whole.json"
pids=()
for ((i = 0; i < n; ++i)); do
  "$dflab" extract "$sharded_toml" --shard "$i/$n" --threads 1 --json > "$tmp/shard$i.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$dflab" extract "$sharded_toml" --status

sums() { (cd "$1" && find . -type f -not -path './cache/shards/*' -exec sha256sum {} + | sort -k2); }
sums "$tmp/whole" > "$tmp/whole.sums"
sums "$tmp/sharded" > "$tmp/sharded.sums"
if diff "$tmp/whole.sums" "$tmp/sharded.sums"; then
  echo "identical: $(wc -l < "$tmp/whole.sums") cache files, 1 extract vs $n shards"
else
  echo "DIFFERENT cache files between 1 extract and $n shards" >&2
  exit 1
fi
