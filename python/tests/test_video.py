"""dflab.video.faces: the crops and boxes of `dflab video faces`, the CLI's errors."""
import json
import warnings

import numpy as np
import pytest

import dflab


def test_faces_equal_the_cli(tmp_path, cli, clips):
    out = tmp_path / "faces"
    r = cli("video", "faces", clips[0], "--out", out, "--frames", 4, "--size", 64, "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a face is found in these clips: no warning
        faces = dflab.video.faces(clips[0], detector="haar", frames=4, size=64)
    assert len(faces) == len(doc["frames"]) == 4
    for got, want in zip(faces, doc["frames"]):
        assert got["index"] == want["index"]
        assert got["t"] == want["t"]
        assert got["detected"] == want["detected"]
        assert list(got["crop_box"]) == pytest.approx(want["crop_box"], abs=1e-4)   # JSON keeps float's digits
        assert list(got["face_box"]) == pytest.approx(want["face_box"], abs=1e-4)
        assert got["crop"].shape == (64, 64, 3) and got["crop"].dtype == np.uint8
        assert got["landmarks"].shape == (len(want["landmarks"]), 2)
        assert got["status"] == doc["status"]
    assert any(f["detected"] for f in faces)
    cv2 = pytest.importorskip("cv2")
    for i, got in enumerate(faces):
        png = cv2.imread(str(out / f"crop_{i:03d}.png"), cv2.IMREAD_COLOR)   # BGR, lossless
        assert np.array_equal(got["crop"], png)


def test_options_are_used(clips):
    faces = dflab.video.faces(clips[0], frames=3, size=48, fixed_box=True)
    assert len(faces) == 3
    assert all(f["crop"].shape == (48, 48, 3) for f in faces)
    assert len({f["crop_box"] for f in faces}) == 1   # one box for the whole clip


def test_unknown_detector_and_bad_options_raise(cli, clips, tmp_path):
    with pytest.raises(ValueError) as e:
        dflab.video.faces(clips[0], detector="no_such_detector")
    assert "unknown face_detector plugin 'no_such_detector'" in str(e.value)
    r = cli("video", "faces", clips[0], "--out", tmp_path / "o", "--detector", "no_such_detector")
    assert r.returncode == 2 and str(e.value) in r.stderr
    with pytest.raises(ValueError) as e:
        dflab.video.faces(clips[0], margin=0.5)
    r = cli("video", "faces", clips[0], "--out", tmp_path / "o", "--margin", 0.5)
    assert r.returncode == 2 and str(e.value) in r.stderr
    with pytest.raises(ValueError):
        dflab.video.faces(clips[0], strategy="sparse")
    with pytest.raises(ValueError):
        dflab.video.faces(clips[0], roi_every=-1)


def test_missing_and_unreadable_videos_raise_the_cli_message(tmp_path, cli):
    missing = str(tmp_path / "missing.mp4")
    with pytest.raises(FileNotFoundError) as e:
        dflab.video.faces(missing)
    r = cli("video", "faces", missing, "--out", tmp_path / "o")
    assert r.returncode == 1 and missing in str(e.value) and str(e.value) in r.stderr
    junk = tmp_path / "junk.mp4"
    junk.write_text("garbage")
    with pytest.raises(RuntimeError) as e:
        dflab.video.faces(str(junk))
    r = cli("video", "faces", junk, "--out", tmp_path / "o")
    assert r.returncode == 1 and str(junk) in str(e.value) and str(e.value) in r.stderr
