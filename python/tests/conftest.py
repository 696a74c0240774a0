"""Fixtures of the dflab Python module's tests: the built `dflab` binary (the tests compare the
module with the CLI), a tiny `dflab synth` dataset and one tiny experiment run through dflab.run.

ctest sets PYTHONPATH=build/python and DFLAB_BINARY; by hand:
    PYTHONPATH=build/python DFLAB_BINARY=build/apps/dflab /usr/bin/python3 -m pytest python/tests
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def dflab_binary():
    path = Path(os.environ.get("DFLAB_BINARY", REPO / "build" / "apps" / "dflab"))
    if not path.is_file():
        pytest.fail(f"{path}: no dflab binary to compare with (build it, or set DFLAB_BINARY)")
    return str(path)


@pytest.fixture(scope="session")
def cli(dflab_binary):
    """cli("score", "--pred", p, ...) -> CompletedProcess (text stdout/stderr, never raises)."""

    def run(*args):
        return subprocess.run([dflab_binary, *map(str, args)], capture_output=True, text=True)

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    def run(*args):
        r = cli(*args, "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    return run


@pytest.fixture(scope="session")
def synth_data(tmp_path_factory, cli):
    """The tests' dataset: 24 one-second cartoon-face clips with voices (12 train, 8 val, 4 test)."""
    out = tmp_path_factory.mktemp("synth") / "data"
    r = cli("synth", "--out", out, "--train", 12, "--val", 8, "--test", 4, "--seconds", 1, "--seed", 3)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def clips(synth_data):
    return sorted(str(p) for p in (synth_data / "trainset").glob("*.mp4"))


TINY_EXPERIMENT = """\
[experiment]
name = "tiny"
seed = 5
threads = 2
db = "runs.sqlite"
work_dir = "work"
[data]
format = "ffdv"
root = "{data}"
train = "trainset_label.txt"
val = "valset_label.txt"
test = "prediction.csv"
[video]
sampling = {{ strategy = "uniform", frames = 4 }}
crop = {{ size = 32, margin = 1.3 }}
[audio]
feature = {{ plugin = "mel", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 32, to_db = true }}
[[models]]
name = "video"
plugin = "meso4"
input_size = 32
modality = "video"
train = {{ epochs = 1, batch = 8, workers = 1 }}
[[models]]
name = "audio"
plugin = "mel_cnn"
n_mels = 32
frames = 32
width = 0.5
modality = "audio"
train = {{ epochs = 1, batch = 8, workers = 1 }}
[[fusion]]
plugin = "mean"
"""


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, synth_data):
    """dflab.run on the tiny experiment (the same file as tests/experiments/tiny_experiment.h,
    one epoch, one fusion): (result dict, experiment file, store path)."""
    import dflab

    exp_dir = tmp_path_factory.mktemp("exp")
    toml = exp_dir / "exp.toml"
    toml.write_text(TINY_EXPERIMENT.format(data=synth_data))
    result = dflab.run(str(toml))
    return result, toml, exp_dir / "runs.sqlite"
