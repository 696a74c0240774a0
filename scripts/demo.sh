#!/usr/bin/env bash
# The README's main command: installs dependencies, builds dflab and runs the main job on the
# embedded demo data. Until the experiment runner lands (`dflab run`, issue 6), the main job is
# scoring a shipped prediction file against its labels and showing every metric.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${DFLAB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${DFLAB_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)" --target dflab
db=demo/runs.sqlite   # git-ignored
"$build/apps/dflab" score --pred examples/score/prediction.csv --labels examples/score/val_label.txt \
  --db "$db" --experiment demo --run example-prediction
"$build/apps/dflab" leaderboard --db "$db" --metric auc --split val
