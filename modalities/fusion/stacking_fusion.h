#pragma once
// Logistic-regression stacking (fusion "stacking"): fitted on the validation scores of every model,
// then applied to the test scores like any other model.
//
//   auto fusion = registry.create<Fusion>(kind::fusion, "stacking", params);   // C = 1
//   fusion->fit(val_scores, val_labels);     // [model][video], 0 real / 1 fake
//   auto fused = fusion->fuse(test_scores);  // sigmoid(b + sum_m w_m * logit(clip(p_m)))
//
// Features: logit of each model's score clipped to [eps, 1 - eps]. Objective (L2 on w, not on b):
//   0.5 * |w|^2 + C * sum_v logloss(y_v, sigmoid(b + w . x_v))
// minimised by Newton's method with step halving (deterministic, a handful of features).
// ref: sklearn.linear_model.LogisticRegression(C=C, fit_intercept=True) (penalty "l2"): the same
//      objective; tests/modalities/fusion/fixtures/make_stacking_fixture.py checks the optimum.

#include "modalities/fusion/fusion.h"

namespace dflab {

class StackingFusion : public Fusion {
 public:
  explicit StackingFusion(const Params& params);
  static PluginInfo info();
  // Throws std::invalid_argument on mismatched sizes, labels other than 0/1, or one class only.
  void fit(const ScoreMatrix& scores, const std::vector<int>& labels) override;
  // Throws std::logic_error before fit, std::invalid_argument for a different number of models.
  std::vector<double> fuse(const ScoreMatrix& scores) const override;

  bool fitted() const { return !coef_.empty(); }
  const std::vector<double>& coefficients() const { return coef_; }   // one per model
  double intercept() const { return intercept_; }
  int n_iterations() const { return n_iter_; }

 private:
  double C_, eps_;
  std::int64_t max_iter_;
  std::vector<double> coef_;
  double intercept_ = 0.0;
  int n_iter_ = 0;
};

}  // namespace dflab
