#!/usr/bin/python3
"""Peer for bench/metrics_bench.cpp: the same work with scikit-learn + numpy, CPU time per call.

    /usr/bin/python3 bench/metrics_peer.py        # compare with BM_Evaluate/100000/{0,1000} (CPU)

Data shape as the C++ bench: 100k predictions, a third fake, AUC about 0.77, scores rounded to
1e-4. The bootstrap is the usual notebook loop (stratified resample indices with numpy, then
roc_auc_score + log_loss per resample); it runs 50 resamples and scales to 1000.
"""
import time

import numpy as np
from sklearn.metrics import (accuracy_score, f1_score, log_loss, precision_score, recall_score,
                             roc_auc_score, roc_curve)

N, B_RUN, B_REPORT = 100_000, 50, 1000


def evaluate(y, s):
    p = np.clip(s, 1e-15, 1 - 1e-15)
    yp = (s >= 0.5).astype(int)
    return (log_loss(y, p, labels=[0, 1]), roc_auc_score(y, s), roc_curve(y, s, drop_intermediate=False),
            precision_score(y, yp), recall_score(y, yp), f1_score(y, yp), accuracy_score(y, yp))


def bootstrap(y, s, n_resamples, rng):
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    p = np.clip(s, 1e-15, 1 - 1e-15)
    out = []
    for _ in range(n_resamples):
        idx = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        out.append((roc_auc_score(y[idx], s[idx]), log_loss(y[idx], p[idx], labels=[0, 1])))
    return np.percentile(np.array(out), [2.5, 97.5], axis=0)


def cpu_ms(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best * 1e3


def main():
    rng = np.random.default_rng(1)
    y = (np.arange(N) % 3 == 0).astype(int)
    s = np.round(1 / (1 + np.exp(-(0.75 * (2 * y - 1) + rng.normal(0, 1, N)))), 4)
    t_eval = cpu_ms(lambda: evaluate(y, s), 5)
    t_boot = cpu_ms(lambda: bootstrap(y, s, B_RUN, rng), 1) * B_REPORT / B_RUN
    print(f"sklearn evaluate (no bootstrap), n={N}: {t_eval:.1f} ms CPU")
    print(f"sklearn+numpy evaluate + {B_REPORT} stratified bootstrap resamples, n={N}: "
          f"{t_eval + t_boot:.0f} ms CPU (bootstrap measured on {B_RUN}, scaled)")


if __name__ == "__main__":
    main()
