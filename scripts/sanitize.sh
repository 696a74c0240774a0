#!/usr/bin/env bash
# Builds dflab and its whole test suite with AddressSanitizer + UndefinedBehaviorSanitizer (GCC,
# -DDFLAB_SANITIZE=address,undefined) in build-asan and runs ctest there. Extra arguments go to
# ctest (e.g. `bash scripts/sanitize.sh -R datasets`). Heavy on 2 cores: a clean build takes
# about an hour (libtorch headers under ASan); reruns are incremental.
#
# The runtime options and suppressions live in tests/sanitizers/ (each entry says why); they are
# exported before the build too, because gtest_discover_tests runs every test binary at build time.
# DFLAB_ASAN_BUILD=dir picks another build folder; DFLAB_JOBS=n the parallelism (2).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${DFLAB_ASAN_BUILD:-$root/build-asan}
jobs=${DFLAB_JOBS:-2}
# shellcheck source=../tests/sanitizers/env.sh
source "$root/tests/sanitizers/env.sh"

if [[ ! -f $build/CMakeCache.txt ]]; then
  nice -n 10 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDFLAB_SANITIZE=address,undefined -DDFLAB_BUILD_BENCH=OFF
fi
nice -n 10 cmake --build "$build" -j "$jobs"
nice -n 10 ctest --test-dir "$build" -j "$jobs" --output-on-failure "$@"
