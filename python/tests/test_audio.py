"""dflab.audio.features: the float32 matrix of `dflab audio features --npy`, the CLI's errors."""
import numpy as np
import pytest

import dflab


@pytest.mark.parametrize(
    "feature, params, cli_params",
    [
        ("mel", {}, []),
        ("mel", {"n_mels": 32, "window": "hamming", "to_db": True}, ["n_mels=32", "window=hamming", "to_db=true"]),
        ("mfcc", {"n_mfcc": 13, "sample_rate": 16000}, ["n_mfcc=13", "sample_rate=16000"]),
        ("lfcc", {}, []),
    ],
)
def test_features_equal_the_cli_npy(tmp_path, cli, clips, feature, params, cli_params):
    npy = tmp_path / "cli.npy"
    args = ["audio", "features", clips[0], "--feature", feature, "--npy", npy]
    for p in cli_params:
        args += ["--param", p]
    r = cli(*args)
    assert r.returncode == 0, r.stderr
    expected = np.load(npy)
    got = dflab.audio.features(clips[0], feature, **params)
    assert got.dtype == np.float32
    assert got.shape == expected.shape
    assert got.shape[0] > 0 and got.shape[1] > 0
    # The same bytes: FFT plans are FFTW_ESTIMATE, identical in every process (fft_plan.cpp).
    np.testing.assert_array_equal(got, expected)


def test_params_change_the_result(clips):
    a = dflab.audio.features(clips[0], "mel", n_mels=32)
    b = dflab.audio.features(clips[0], "mel", n_mels=48)
    assert a.shape[0] == 32 and b.shape[0] == 48


def test_offset_and_duration(clips):
    whole = dflab.audio.features(clips[0], "mel")
    part = dflab.audio.features(clips[0], "mel", duration_s=0.5)
    assert 0 < part.shape[1] < whole.shape[1]
    with pytest.raises(ValueError):
        dflab.audio.features(clips[0], "mel", offset_s=-1)


def test_import_as_submodule(clips):
    from dflab.audio import features

    assert features is dflab.audio.features


def cli_stderr(cli, *args):
    r = cli("audio", "features", *args)
    assert r.returncode == 1
    return r.stderr


def test_unknown_feature_raises_the_cli_message(cli, clips):
    with pytest.raises(ValueError) as e:
        dflab.audio.features(clips[0], "mell")
    assert "unknown audio_feature plugin 'mell'" in str(e.value)
    assert str(e.value) in cli_stderr(cli, clips[0], "--feature", "mell")


def test_unknown_or_bad_parameter_raises_the_cli_message(cli, clips):
    with pytest.raises(ValueError) as e:
        dflab.audio.features(clips[0], "mel", n_melz=3)
    assert "n_melz" in str(e.value)
    assert str(e.value) in cli_stderr(cli, clips[0], "--param", "n_melz=3")
    with pytest.raises(ValueError) as e:
        dflab.audio.features(clips[0], "mel", n_mels="many")
    assert "n_mels" in str(e.value)
    assert str(e.value) in cli_stderr(cli, clips[0], "--param", "n_mels=many")
    with pytest.raises(TypeError):
        dflab.audio.features(clips[0], "mel", n_mels=object())


def test_missing_and_unreadable_files_raise_the_cli_message(tmp_path, cli):
    missing = str(tmp_path / "missing.mp4")
    with pytest.raises(FileNotFoundError) as e:
        dflab.audio.features(missing)
    assert missing in str(e.value)
    assert str(e.value) in cli_stderr(cli, missing)
    junk = tmp_path / "junk.mp4"
    junk.write_text("not a video\n")
    with pytest.raises(RuntimeError) as e:
        dflab.audio.features(str(junk))
    assert str(junk) in str(e.value)
    assert str(e.value) in cli_stderr(cli, junk)


def test_a_real_ffdv_clip_equals_the_cli(tmp_path, cli):
    """A real FFDV sample (../shared, skipped without it): AAC at another rate, resampled."""
    import os
    from pathlib import Path

    shared = Path(os.environ.get("DFLAB_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
    clips = sorted((shared / "data" / "ffdv-sample" / "trainset").glob("*.mp4"))
    if not clips:
        pytest.skip(f"no FFDV sample clips under {shared}/data/ffdv-sample/trainset")
    npy = tmp_path / "cli.npy"
    r = cli("audio", "features", clips[0], "--feature", "mel", "--param", "n_mels=128", "--duration", 4, "--npy", npy)
    assert r.returncode == 0, r.stderr
    expected = np.load(npy)
    got = dflab.audio.features(str(clips[0]), "mel", n_mels=128, duration_s=4)
    assert got.shape == expected.shape and got.shape[0] == 128
    np.testing.assert_array_equal(got, expected)
