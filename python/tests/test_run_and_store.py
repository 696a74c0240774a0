"""dflab.run, dflab.Store and dflab.predict on one tiny experiment: the same records as `dflab runs /
show --json` and the same scores as `dflab predict`; no score where a video could not be read."""
import importlib.util

import pytest

import dflab


def test_run_returns_the_cli_json_document(tiny_run):
    result, _, db = tiny_run
    assert result["experiment"] == "tiny"
    assert result["db"] == str(db)
    assert (result["n_train"], result["n_val"], result["n_test"]) == (12, 8, 4)
    rows = {r["name"]: r for r in result["rows"]}
    assert set(rows) == {"video", "audio", "fusion-mean"}
    for row in rows.values():
        assert row["status"] == "finished", row["message"]
        assert 0.0 <= row["val"]["auc"] <= 1.0
        assert row["val"]["logloss"] > 0
    assert result["preprocess_failed"] == []


def test_store_equals_the_cli(tiny_run, cli_json):
    _, _, db = tiny_run
    store = dflab.Store(db)
    assert store.runs() == cli_json("runs", "--db", db)["runs"]
    assert len(store.runs(experiment="tiny", status="finished")) == 3
    show = cli_json("show", "tiny/video", "--db", db)
    show.pop("db")
    assert store.run("tiny/video") == show
    lb = cli_json("leaderboard", "--db", db, "--metric", "auc", "--split", "val")
    assert store.leaderboard("auc", "val") == lb["rows"]


def test_store_metrics_and_predictions(tiny_run):
    result, _, db = tiny_run
    store = dflab.Store(db)
    row = next(r for r in result["rows"] if r["name"] == "audio")
    metrics = store.metrics("tiny/audio", split="val")
    by_name = {m["name"]: m["value"] for m in metrics if m["source"] == ""}
    assert by_name["auc"] == pytest.approx(row["val"]["auc"], abs=1e-12)
    assert by_name["logloss"] == pytest.approx(row["val"]["logloss"], abs=1e-12)
    assert all(m["split"] == "val" and m["run"] == row["run_id"] for m in metrics)
    preds = store.predictions("tiny/audio")
    assert sorted({p["split"] for p in preds}) == ["test", "val"]
    val = [p for p in preds if p["split"] == "val"]
    assert len(val) == 8 and all(p["label"] in (0, 1) and 0 <= p["score"] <= 1 for p in val)
    assert all(p["label"] is None for p in preds if p["split"] == "test")
    # The AUC of the stored predictions is the stored AUC.
    report = dflab.metrics.evaluate([p["label"] for p in val], [p["score"] for p in val], bootstrap=0)
    assert report["metrics"]["auc"] == pytest.approx(by_name["auc"], abs=1e-12)
    assert store.predictions("tiny/audio", split="val") == val


def test_store_errors(tiny_run, tmp_path):
    _, _, db = tiny_run
    missing = tmp_path / "none.sqlite"
    with pytest.raises(FileNotFoundError) as e:
        dflab.Store(missing)
    assert str(missing) in str(e.value)
    assert not missing.exists()   # reading never creates a store
    store = dflab.Store(db)
    with pytest.raises(RuntimeError) as e:
        store.runs(experiment="nope")
    assert "no experiment 'nope' (experiments: tiny)" in str(e.value)
    with pytest.raises(RuntimeError) as e:
        store.metrics("tiny/nope")
    assert "nope" in str(e.value)


def test_as_frame(tiny_run):
    _, _, db = tiny_run
    store = dflab.Store(db)
    if importlib.util.find_spec("pandas") is None:
        with pytest.raises(ImportError, match="pandas"):
            store.runs(as_frame=True)
        pytest.skip("pandas is not installed: as_frame=True raises ImportError (checked)")
    frame = store.predictions("tiny/video", as_frame=True)
    assert list(frame.columns) == ["run", "split", "video", "label", "score"]
    assert len(frame) == len(store.predictions("tiny/video"))


def test_predict_equals_the_cli(tiny_run, synth_data, cli_json):
    _, _, db = tiny_run
    names = (synth_data / "prediction.csv").read_text().split()[1:]
    clips = [str(synth_data / "testset" / n) for n in names]
    want = cli_json("predict", "--db", db, "--run", "tiny/fusion-mean", *clips)["scores"]
    got = dflab.predict("tiny/fusion-mean", clips, db=str(db))
    assert got == want
    one = dflab.predict("tiny/fusion-mean", clips[0], db=str(db))
    assert isinstance(one, float) and one == want[0]["score"]


def test_predict_never_invents_a_score(tiny_run, synth_data, tmp_path, cli):
    _, _, db = tiny_run
    missing = str(tmp_path / "missing.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_text("not a video\n")
    with pytest.raises(FileNotFoundError) as e:
        dflab.predict("tiny/video", missing, db=str(db))
    r = cli("predict", "--db", db, "--run", "tiny/video", missing)
    assert r.returncode == 1 and r.stdout == "" and str(e.value) in r.stderr
    with pytest.raises(RuntimeError) as e:
        dflab.predict("tiny/video", str(junk), db=str(db))
    assert str(junk) in str(e.value)
    good = str(next((synth_data / "testset").glob("*.mp4")))
    rows = dflab.predict("tiny/video", [good, missing, str(junk)], db=str(db))
    assert [r["status"] for r in rows] == ["ok", "missing", "unreadable"]
    assert rows[0]["score"] is not None and rows[1]["score"] is None and rows[2]["score"] is None
    prior = dflab.predict("tiny/video", [missing], db=str(db), on_error="prior")
    assert prior[0]["substitute"] == "prior" and prior[0]["score"] is not None
    with pytest.raises(RuntimeError, match="nope"):
        dflab.predict("tiny/nope", good, db=str(db))


def test_run_errors(tmp_path, cli):
    bad = tmp_path / "bad.toml"
    bad.write_text('[experiment]\nname = "x"\nfavourite = 3\n')
    with pytest.raises(ValueError) as e:
        dflab.run(str(bad))
    assert "favourite" in str(e.value)
    assert str(e.value) in cli("run", bad).stderr


CTRL_C_SCRIPT = r"""
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)   # a background job starts with it ignored
import dflab
try:
    dflab.run(sys.argv[1], verbose=True)
    print("finished", flush=True)
except KeyboardInterrupt as e:
    print("interrupted:", e, flush=True)
    print("status:", [r["status"] for r in dflab.Store(sys.argv[2]).runs()], flush=True)
try:
    print("sleeping", flush=True)
    time.sleep(60)
except KeyboardInterrupt:
    print("python's handler is back", flush=True)
"""


def test_ctrl_c_stops_a_run_and_gives_python_its_handler_back(tmp_path, synth_data):
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import TINY_EXPERIMENT

    toml = tmp_path / "exp.toml"
    toml.write_text(TINY_EXPERIMENT.format(data=synth_data).replace("epochs = 1", "epochs = 200"))
    script = tmp_path / "go.py"
    script.write_text(CTRL_C_SCRIPT)
    err = open(tmp_path / "err.txt", "w")
    p = subprocess.Popen([sys.executable, str(script), str(toml), str(tmp_path / "runs.sqlite")],
                         stdout=subprocess.PIPE, stderr=err, text=True, env=os.environ)

    def wait_for(predicate, seconds):
        end = time.time() + seconds
        while time.time() < end and p.poll() is None:
            if predicate():
                return True
            time.sleep(0.2)
        return False

    assert wait_for(lambda: "== model video" in (tmp_path / "err.txt").read_text(), 120), (tmp_path / "err.txt").read_text()
    time.sleep(2)   # inside training
    p.send_signal(signal.SIGINT)
    first = p.stdout.readline()
    assert first.startswith("interrupted: interrupted by SIGINT"), first
    assert p.stdout.readline().strip() == "status: ['interrupted']"
    assert p.stdout.readline().strip() == "sleeping"
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    assert p.stdout.readline().strip() == "python's handler is back"
    assert p.wait(30) == 0
