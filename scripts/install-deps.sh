#!/usr/bin/env bash
# Installs every Debian package dflab needs. Safe to run twice: apt-get skips what is there,
# and the package index is refreshed only when it is missing or older than a day.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev
  libopenblas0-pthread
  libopencv-dev opencv-data
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev ffmpeg
  libsndfile1-dev libfftw3-dev
  libsqlite3-dev sqlite3
  libssl-dev   # OpenSSL libcrypto: SHA-256 of checkpoints and configs
  libtoml11-dev nlohmann-json3-dev libcli11-dev libspdlog-dev
  libdlib-dev libdlib-data
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-numpy python3-scipy python3-torch python3-torchaudio python3-sklearn python3-opencv
  python3-torchvision   # bench/peers/train_peer.py (resnet18), mc3_18 fixture script
  libgloo-dev   # c10d's Gloo process group: distributed training on CPU (issue 14)
  pybind11-dev python3-dev python3-pytest   # the `dflab` Python module and its tests
  libcpp-httplib-dev   # `dflab serve`
  chromium   # headless: tests/reports/report_browser_test renders the HTML report (skipped without it)
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  lists=/var/lib/apt/lists
  if [ -z "$(find "$lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
    $sudo apt-get update -q
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's libtorch calls whatever libblas.so.3 is selected; the reference BLAS is ~12x slower than
# OpenBLAS for matrix products, so select OpenBLAS when both are present.
blas=$(ls /usr/lib/*/openblas-pthread/libblas.so.3 2>/dev/null | head -n 1 || true)
if [ -n "$blas" ]; then
  $sudo update-alternatives --set "libblas.so.3-$(dpkg-architecture -qDEB_HOST_MULTIARCH)" "$blas" >/dev/null 2>&1 || true
fi
lapack=$(ls /usr/lib/*/openblas-pthread/liblapack.so.3 2>/dev/null | head -n 1 || true)
if [ -n "$lapack" ]; then
  $sudo update-alternatives --set "liblapack.so.3-$(dpkg-architecture -qDEB_HOST_MULTIARCH)" "$lapack" >/dev/null 2>&1 || true
fi
