# %% [markdown]
# # A dflab run in a notebook
# Load a run from the store that `dflab run` wrote, look at its metrics and predictions, and plot
# the validation ROC. Runs as a plain script too:
#
#     bash scripts/demo.sh      # or any `dflab run exp.toml`
#     PYTHONPATH=build/python /usr/bin/python3 examples/notebook.py [DB] [RUN]
#
# DB defaults to demo/runs.sqlite, RUN to the run with the best validation AUC.

# %%
import sys

import dflab

db = sys.argv[1] if len(sys.argv) > 1 else "demo/runs.sqlite"
store = dflab.Store(db)
board = store.leaderboard(metric="auc", split="val")
for row in board:
    print(f"{row['rank']:2d}  {row['run']['experiment']}/{row['run']['name']:24s}  val auc {row['value']}")

# %%
if len(sys.argv) > 2:
    run = sys.argv[2]
elif board:
    run = f"{board[0]['run']['experiment']}/{board[0]['run']['name']}"
else:
    sys.exit(f"{db}: no run with a validation AUC")
val = store.predictions(run, split="val")
labels = [p["label"] for p in val]
scores = [p["score"] for p in val]
report = dflab.metrics.evaluate(labels, scores)
print(f"\n{run}: {len(val)} validation videos")
for name in ("auc", "logloss", "eer", "tpr_at_fpr"):
    print(f"  {name:10s} {report['metrics'][name]}")
print(f"  auc 95% interval [{report['metrics']['auc_ci_low']}, {report['metrics']['auc_ci_high']}]")

# %%
roc = dflab.metrics.roc(labels, scores)   # sklearn's roc_curve points, numpy arrays
fpr, tpr = roc["fpr"], roc["tpr"]

# %%
try:
    import matplotlib
except ImportError:
    print("\nmatplotlib is not installed (Debian: apt install python3-matplotlib): no plot")
else:
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot(fpr, tpr, label=f"{run} (AUC {report['metrics']['auc']:.3f})")
    ax.plot([0, 1], [0, 1], "--", color="grey")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig("roc.png", dpi=120)
    print("\nwrote roc.png")
