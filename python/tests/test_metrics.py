"""dflab.metrics.evaluate: the report of `dflab score --json`, and its errors."""
import random

import pytest

import dflab


def scored_set(n=200, seed=1):
    rng = random.Random(seed)
    labels = [rng.randint(0, 1) for _ in range(n)]
    scores = [min(1.0, max(0.0, 0.35 * y + 0.65 * rng.random())) for y in labels]
    return labels, scores


def test_report_equals_dflab_score(tmp_path, cli_json):
    labels, scores = scored_set()
    names = [f"v{i:03d}.mp4" for i in range(len(labels))]
    pred, truth = tmp_path / "pred.csv", tmp_path / "labels.txt"
    pred.write_text("video_name,score\n" + "".join(f"{v},{s!r}\n" for v, s in zip(names, scores)))
    truth.write_text("video_name,target\n" + "".join(f"{v},{y}\n" for v, y in zip(names, labels)))
    doc = cli_json("score", "--pred", pred, "--labels", truth, "--bootstrap", 200, "--seed", 7)
    got = dflab.metrics.evaluate(labels, scores, bootstrap=200, seed=7)
    want = doc["report"]
    assert got["metric_order"] == want["metric_order"]
    assert got["n"] == want["n"] == len(labels)
    assert got["notes"] == want["notes"]
    for name in want["metric_order"]:
        assert got["metrics"][name] == pytest.approx(want["metrics"][name], rel=1e-12, abs=1e-12), name


def test_auc_equals_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    labels, scores = scored_set(seed=2)
    got = dflab.metrics.evaluate(labels, scores, bootstrap=0)["metrics"]
    assert got["auc"] == pytest.approx(metrics.roc_auc_score(labels, scores), abs=1e-12)
    assert got["logloss"] == pytest.approx(metrics.log_loss(labels, scores), abs=1e-12)


def test_numpy_inputs():
    np = pytest.importorskip("numpy")
    labels, scores = scored_set(seed=3)
    a = dflab.metrics.evaluate(labels, scores, bootstrap=0)
    b = dflab.metrics.evaluate(np.array(labels, dtype=np.int8), np.array(scores), bootstrap=0)
    c = dflab.metrics.evaluate(np.array(labels, dtype=float), np.array(scores), bootstrap=0)
    assert a == b == c


def test_one_class_leaves_auc_undefined():
    got = dflab.metrics.evaluate([1, 1, 1], [0.2, 0.7, 0.9], bootstrap=0)
    assert got["metrics"]["auc"] is None
    assert "only one class" in got["notes"]["auc"]
    assert got["metrics"]["logloss"] is not None


@pytest.mark.parametrize(
    "labels, scores, message",
    [
        ([0, 2, 1], [0.1, 0.5, 0.9], "label 2 at index 1 is not 0 (real) or 1 (fake)"),
        ([0, 0.5, 1], [0.1, 0.5, 0.9], "label 0.5 at index 1 is not 0 (real) or 1 (fake)"),
        ([0, 1], [0.1, 0.5, 0.9], "2 labels but 3"),
        ([], [], "empty input"),
        ([0, 1], [0.1, float("nan")], "score at index 1 is not finite"),
    ],
)
def test_bad_labels_or_scores_raise(labels, scores, message):
    with pytest.raises(ValueError) as e:
        dflab.metrics.evaluate(labels, scores)
    assert message in str(e.value)


def test_text_labels_are_a_type_error():
    with pytest.raises(TypeError):
        dflab.metrics.evaluate(["real", "fake"], [0.1, 0.9])


def test_roc_equals_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    np = pytest.importorskip("numpy")
    labels, scores = scored_set(n=50, seed=4)
    scores = [round(s, 1) for s in scores]   # ties
    got = dflab.metrics.roc(labels, scores)
    fpr, tpr, thresholds = metrics.roc_curve(labels, scores, drop_intermediate=False)
    assert np.allclose(got["fpr"], fpr, atol=0) and np.allclose(got["tpr"], tpr, atol=0)
    assert np.array_equal(got["thresholds"][1:], thresholds[1:])   # [0] is inf or max + 1 by version
    assert got["auc"] == pytest.approx(metrics.roc_auc_score(labels, scores), abs=1e-12)
    with pytest.raises(ValueError, match="one class"):
        dflab.metrics.roc([1, 1], [0.2, 0.3])
