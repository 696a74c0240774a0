#!/usr/bin/env bash
# The README's main command: installs dependencies, builds dflab, generates the synthetic
# audio-visual demo dataset and runs examples/demo.toml end to end — preprocessing, a video and an
# audio model, their fusions, the leaderboard, demo/prediction.csv and demo/report.html.
# Everything it writes is under demo/ (git-ignored); a second run regenerates nothing it has.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${DFLAB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${DFLAB_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)" --target dflab
dflab="$build/apps/dflab"
if [ ! -f demo/data/synth.txt ]; then
  "$dflab" synth --out demo/data --seed 1
fi
start=$(date +%s)
"$dflab" run examples/demo.toml
echo "experiment time: $(( $(date +%s) - start )) s"
"$dflab" leaderboard --db demo/runs.sqlite --experiment demo --metric auc --split val
echo
echo "Scored against the test truth (the challenge would do this):"
"$dflab" score --pred demo/prediction.csv --labels demo/data/testset_truth.txt
