#pragma once
// Confusion matrix at a threshold and the rates derived from it.
//
//   Confusion c = confusion_at(labels, scores, 0.5);   // fake predicted when score >= 0.5
//   std::optional<double> p = c.precision();           // nullopt when nothing is predicted fake
//
// Positive = fake (label 1). Predicted positive when score >= threshold, the same convention as
// roc_curve(), so (fpr(), tpr()) at a score s is a point of the ROC curve.
// Undefined rates (a zero denominator) are nullopt, never NaN. scikit-learn instead returns 0 with
// an UndefinedMetricWarning (zero_division="warn") for precision/recall/F1.
// ref: sklearn.metrics.confusion_matrix, precision_score, recall_score, f1_score, accuracy_score.

#include <cstdint>
#include <optional>
#include <vector>

namespace dflab {

struct Confusion {
  std::uint64_t tp = 0, fp = 0, tn = 0, fn = 0;

  std::uint64_t n() const { return tp + fp + tn + fn; }
  std::optional<double> tpr() const;        // tp / (tp + fn); nullopt without positives
  std::optional<double> fpr() const;        // fp / (fp + tn); nullopt without negatives
  std::optional<double> precision() const;  // tp / (tp + fp); nullopt without predicted positives
  std::optional<double> recall() const { return tpr(); }
  // 2 tp / (2 tp + fp + fn); nullopt when that is 0/0 (no positives, none predicted). 0 when
  // positives exist but none is found, even if precision is undefined (as scikit-learn).
  std::optional<double> f1() const;
  std::optional<double> accuracy() const;   // (tp + tn) / n; nullopt only for n = 0
};

// Throws std::invalid_argument on bad input (see check_binary_input) or a non-finite threshold.
Confusion confusion_at(const std::vector<int>& labels, const std::vector<double>& scores,
                       double threshold);

}  // namespace dflab
