"""examples/notebook.py runs as a plain script on a store: prints the leaderboard and the best
run's metrics, then plots the ROC (or says that matplotlib is missing)."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import dflab
from conftest import REPO


def test_notebook_runs_on_a_store(tiny_run, tmp_path):
    result, _, db = tiny_run
    best = max((r for r in result["rows"]), key=lambda r: r["val"]["auc"])
    r = subprocess.run([sys.executable, str(REPO / "examples" / "notebook.py"), str(db)], cwd=tmp_path,
                       capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(Path(dflab.__file__).resolve().parents[1])))
    assert r.returncode == 0, r.stderr
    assert f"tiny/{best['name']}: 8 validation videos" in r.stdout
    assert f"auc        {best['val']['auc']}" in r.stdout
    if importlib.util.find_spec("matplotlib") is None:
        assert "matplotlib is not installed" in r.stdout
    else:
        assert (tmp_path / "roc.png").stat().st_size > 0
