#!/usr/bin/python3
# Expected numbers for score_cli_test.cpp, from scikit-learn (Debian python3-sklearn), on the
# shipped example examples/score/{val_label.txt,prediction.csv}.
# Run: /usr/bin/python3 tests/apps/score_expected.py   (from the repository root)
import csv
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

labels = {r["video_name"]: int(r["target"]) for r in csv.DictReader(open("examples/score/val_label.txt"))}
preds = {r["video_name"]: float(r["score"]) for r in csv.DictReader(open("examples/score/prediction.csv"))}
names = [n for n in preds if n in labels]
y = [labels[n] for n in names]
s = [preds[n] for n in names]
hard = [int(x >= 0.5) for x in s]
print(f"auc      {roc_auc_score(y, s)!r}")
print(f"logloss  {log_loss(y, s)!r}")
print(f"accuracy {accuracy_score(y, hard)!r}")
print(f"f1       {f1_score(y, hard)!r}")
# Output (scikit-learn 1.2.1):
# auc      0.9583333333333334
# logloss  0.31535309736287137
# accuracy 0.8
# f1       0.8333333333333334
