"""Calls from a thread pool give the same results as one after another (the GIL is released inside,
so they also overlap: bench/python_threads.py measures the speed-up)."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import dflab


def test_audio_features_from_threads(clips):
    sequential = [dflab.audio.features(c, "mel", n_mels=40) for c in clips]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda c: dflab.audio.features(c, "mel", n_mels=40), clips))
    assert len(parallel) == len(clips)
    for a, b in zip(sequential, parallel):
        assert a.tobytes() == b.tobytes()


def test_video_faces_from_threads(clips):
    some = clips[:6]
    sequential = [dflab.video.faces(c, frames=3, size=48) for c in some]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda c: dflab.video.faces(c, frames=3, size=48), some))
    for a, b in zip(sequential, parallel):
        assert [f["crop_box"] for f in a] == [f["crop_box"] for f in b]
        assert all(np.array_equal(x["crop"], y["crop"]) for x, y in zip(a, b))
