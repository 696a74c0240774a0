#!/usr/bin/env bash
# The tiny synthetic experiment the load benchmarks start from: `dflab synth` (24 clips of 1 s),
# a meso4 video model and a mel_cnn audio model for 1 epoch, and a mean fusion, trained into
# OUT/exp/runs.sqlite (runs tiny/video, tiny/audio, tiny/fusion-mean). About 30 s on 2 cores.
#
#   bench/tiny_experiment.sh DFLAB OUT
set -euo pipefail
DFLAB=$1
OUT=$2
rm -rf "$OUT" && mkdir -p "$OUT/exp"
"$DFLAB" synth --out "$OUT/data" --train 12 --val 8 --test 4 --seconds 1 --seed 3 >/dev/null
cat > "$OUT/exp/exp.toml" <<TOML
[experiment]
name = "tiny"
seed = 5
threads = 2
db = "runs.sqlite"
work_dir = "work"
[data]
format = "ffdv"
root = "$OUT/data"
train = "trainset_label.txt"
val = "valset_label.txt"
test = "prediction.csv"
[video]
sampling = { strategy = "uniform", frames = 4 }
crop = { size = 32, margin = 1.3 }
[audio]
feature = { plugin = "mel", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 32, to_db = true }
[[models]]
name = "video"
plugin = "meso4"
input_size = 32
modality = "video"
train = { epochs = 1, batch = 8, workers = 1 }
[[models]]
name = "audio"
plugin = "mel_cnn"
n_mels = 32
frames = 32
width = 0.5
modality = "audio"
train = { epochs = 1, batch = 8, workers = 1 }
[[fusion]]
plugin = "mean"
TOML
"$DFLAB" run "$OUT/exp/exp.toml" >/dev/null 2>"$OUT/run.log"
