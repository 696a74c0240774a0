"""dflab from Python: audio features, face crops, metrics, the run store, run and predict.

    import dflab
    mel = dflab.audio.features("clip.mp4", "mel", n_mels=64)       # numpy float32 [64, frames]
    crops = dflab.video.faces("clip.mp4", detector="haar", frames=16)  # list of dicts, numpy crops
    report = dflab.metrics.evaluate([0, 1, 1], [0.2, 0.9, 0.6])       # dict of every metric
    store = dflab.Store("runs/dflab.sqlite")
    store.runs()                        # list of dicts; store.runs(as_frame=True): pandas DataFrame
    result = dflab.run("examples/demo.toml")
    score = dflab.predict("demo/fusion-stacking", "clip.mp4", db="demo/runs.sqlite")

The numbers are those of the `dflab` command line (the same C++ code is called); errors raise
ValueError (bad parameter, unknown plugin, invalid file), FileNotFoundError (missing file) or
RuntimeError (unreadable file) with the CLI's messages. Decoding, feature extraction, face
detection, training and prediction release the GIL, so a thread pool runs them in parallel.
"""

import os as _os
import sys as _sys

from dflab._core import __version__, audio, metrics, predict, run, video
from dflab import _core

# `import dflab.audio` and `from dflab.audio import features` work as for package modules.
for _name in ("audio", "video", "metrics"):
    _sys.modules[__name__ + "." + _name] = getattr(_core, _name)

__all__ = ["Store", "audio", "metrics", "predict", "run", "video", "__version__"]


def _rows(rows, as_frame):
    if not as_frame:
        return rows
    try:
        import pandas
    except ImportError as e:
        raise ImportError("as_frame=True needs pandas (Debian: apt install python3-pandas)") from e
    return pandas.DataFrame(rows)


class Store:
    """The SQLite run store that `dflab run` writes, read only (`dflab runs / show / leaderboard`).

    Methods return lists of dicts, the CLI's --json records; as_frame=True returns a pandas
    DataFrame of the same rows instead (lists of dicts are the default so that results do not
    depend on whether pandas is installed). A missing file raises FileNotFoundError: a store is
    never created by reading. One Store per thread (one SQLite connection each).
    """

    def __init__(self, db):
        self._store = _core.Store(_os.fspath(db))

    @property
    def path(self):
        return self._store.path

    def __repr__(self):
        return "dflab.Store(%r)" % self.path

    def runs(self, experiment=None, status=None, as_frame=False):
        """Every run (`dflab runs --json`): id, experiment, name, plugin, modality, kind, status, ..."""
        return _rows(self._store.runs(experiment, status), as_frame)

    def run(self, run):
        """One run in full (`dflab show RUN --json`): params, metrics, epochs, artifacts, config."""
        return self._store.run(str(run))

    def metrics(self, run, split=None, as_frame=False):
        """Final metrics of a run, one row per (split, source, name); source "" is the whole split."""
        return _rows(self._store.metrics(str(run), split), as_frame)

    def predictions(self, run, split=None, as_frame=False):
        """Per-video predictions of a run: split, video, label (None when unlabelled), score."""
        return _rows(self._store.predictions(str(run), split), as_frame)

    def leaderboard(self, metric="auc", split="val", experiment=None, as_frame=False):
        """Runs ranked by one metric (`dflab leaderboard --json` rows)."""
        return _rows(self._store.leaderboard(metric, split, experiment), as_frame)
