#pragma once
// ROC curve, ROC AUC, TPR at a target FPR and the equal error rate (EER).
//
//   RocCurve roc = roc_curve(labels, scores);          // labels 0 real / 1 fake, scores P(fake)
//   double auc = roc_auc(roc);                         // == sklearn.metrics.roc_auc_score
//   TprAtFpr op = tpr_at_fpr(roc, 1e-3);               // FFDV tie-breaker
//   EerPoint e = equal_error_rate(roc);
//
// A sample is predicted positive (fake) when score >= threshold, as in sklearn.metrics.roc_curve.
// All functions need both classes: with one class only they throw std::domain_error whose message
// is kOneClassNote (evaluate() in binary_metrics.h turns that into an "undefined" result instead).
// ref: sklearn.metrics.roc_curve / roc_auc_score (scikit-learn 1.2, Debian python3-sklearn);
//      the fixtures in tests/metrics/fixtures/ were made by make_fixtures.py with it.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dflab {

// One point per distinct score, plus the (0, 0) start, i.e. sklearn's
// roc_curve(drop_intermediate=False). Points are ordered by decreasing threshold, so fpr and tpr
// are non-decreasing. thresholds[0] = thresholds[1] + 1 (nothing predicted positive), as
// scikit-learn 1.2 writes it (>= 1.3 writes +inf there); thresholds[k] for k >= 1 are the distinct
// scores, decreasing. fp[k]/tp[k] are the integer counts behind fpr[k]/tpr[k].
struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
  std::vector<std::uint64_t> fp, tp;
  std::uint64_t n_positive = 0, n_negative = 0;
  std::size_t size() const { return fpr.size(); }
};

// Throws std::invalid_argument on bad input (see check_binary_input), std::domain_error on one class.
RocCurve roc_curve(const std::vector<int>& labels, const std::vector<double>& scores);
// Same, given `order`: the sample indices sorted by decreasing score (lets callers sort only once).
RocCurve roc_curve_sorted(const std::vector<int>& labels, const std::vector<double>& scores,
                          const std::vector<std::size_t>& order);
// Indices of scores sorted by decreasing score (ties keep index order).
std::vector<std::size_t> order_by_decreasing_score(const std::vector<double>& scores);

// Area under the ROC curve by the trapezoid rule on the curve above, which counts every tied
// (positive, negative) pair one half (= Mann-Whitney U / (P N)). Computed from the integer counts,
// so it is exact up to the final division.
double roc_auc(const RocCurve& roc);
double roc_auc(const std::vector<int>& labels, const std::vector<double>& scores);

// TPR at a target FPR, defined as the highest TPR among the ROC points whose FPR <= target_fpr
// (no interpolation: a rate a real threshold achieves). The (0, 0) point always qualifies, so it is
// 0 when even the top score is a negative. `threshold`/`fpr` belong to the first (highest-threshold)
// point reaching that TPR.
// With n_negative < 1 / target_fpr this is the TPR reached before the first false positive.
struct TprAtFpr {
  double tpr = 0, fpr = 0, threshold = 0;
};
TprAtFpr tpr_at_fpr(const RocCurve& roc, double target_fpr);

// Equal error rate: the point where FPR = FNR (= 1 - TPR) on the ROC curve above with straight
// segments between its points (linear interpolation). Since FPR - FNR never decreases along the
// curve and goes from -1 to +1, the crossing is unique. With k the first point where FNR <= FPR,
// eer interpolates between points k-1 and k, and `threshold` = thresholds[k], the highest threshold
// at which FNR <= FPR. This is not the ROC-convex-hull EER (bob, pyannote) nor min |FNR - FPR|.
struct EerPoint {
  double eer = 0, threshold = 0;
};
EerPoint equal_error_rate(const RocCurve& roc);

}  // namespace dflab
