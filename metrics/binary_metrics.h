#pragma once
// Every binary metric of a set of predictions in one report (what `dflab score`, the runner and the
// HTML report print and store).
//
//   BinaryReport r = evaluate(labels, scores);          // labels 0 real / 1 fake, scores P(fake)
//   std::optional<double> auc = r.value("auc");         // nullopt: undefined, see r.find("auc")->note
//   nlohmann::json j = to_json(r);
//
// Metrics, in this order (names are stable: the store and reports key on them):
//   logloss          sklearn log_loss, p clipped to [eps, 1 - eps] (after [0.01, 0.99] if dfdc_clip)
//   auc              ROC AUC, ties count one half (sklearn roc_auc_score)
//   tpr_at_fpr       highest TPR among ROC points with FPR <= options.target_fpr (roc.h)
//   tpr fpr precision recall f1 accuracy   at options.threshold, fake when score >= threshold
//   eer eer_threshold    FPR = FNR crossing, linear on the ROC curve (roc.h: equal_error_rate)
//   tp fp tn fn      confusion counts at options.threshold (as doubles)
//   auc_ci_low auc_ci_high logloss_ci_low logloss_ci_high   seeded percentile bootstrap (bootstrap.h)
// One class only: auc, tpr_at_fpr, eer, eer_threshold, the AUC interval and tpr or fpr (whichever
// class is missing) are nullopt with note "undefined: only one class present"; logloss stays defined.
// Precision with nothing predicted fake is nullopt (scikit-learn returns 0 with a warning).
// Values are never NaN.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dflab {

struct EvaluateOptions {
  double threshold = 0.5;          // for TPR/FPR, precision, recall, F1, accuracy, confusion
  double logloss_eps = 1e-15;      // clipping eps, stored with the result
  bool dfdc_clip = false;          // clip scores to [0.01, 0.99] before logloss (DFDC style)
  double target_fpr = 1e-3;        // FFDV tie-breaker: TPR at FPR = 1e-3
  int bootstrap_samples = 1000;    // 0 disables the confidence intervals
  double ci_level = 0.95;
  std::uint64_t seed = 42;
  bool bootstrap_stratified = true;  // resample within each class (bootstrap.h)
};

struct MetricResult {
  std::string name;
  std::optional<double> value;   // nullopt = undefined; note says why
  std::string note;
};

struct BinaryReport {
  std::size_t n = 0, n_positive = 0, n_negative = 0;
  EvaluateOptions options;
  std::vector<MetricResult> metrics;   // fixed order, names above

  const MetricResult* find(const std::string& name) const;          // nullptr if no such metric
  std::optional<double> value(const std::string& name) const;       // nullopt if undefined/absent
};

// The metric names of a report, in order.
const std::vector<std::string>& binary_metric_names();

// Throws std::invalid_argument on size mismatch, empty input, a label not 0/1, a non-finite score,
// a score outside [0, 1], or options out of range (eps not in (0, 0.5), target_fpr not in [0, 1],
// ci_level not in (0, 1), bootstrap_samples < 0, non-finite threshold).
BinaryReport evaluate(const std::vector<int>& labels, const std::vector<double>& scores,
                      const EvaluateOptions& options = {});

// {"n", "n_positive", "n_negative", "options": {...}, "metrics": {name: value or null},
//  "notes": {name: note} (only metrics with a note), "metric_order": [names]}
nlohmann::json to_json(const BinaryReport& report);

}  // namespace dflab
