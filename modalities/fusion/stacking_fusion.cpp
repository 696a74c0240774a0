#include "modalities/fusion/stacking_fusion.h"

#include "modalities/fusion/logistic_regression.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dflab {

namespace {

double logit_feature(double p, double eps) {
  p = std::clamp(p, eps, 1.0 - eps);
  return std::log(p / (1.0 - p));
}

}  // namespace

PluginInfo StackingFusion::info() {
  return {kind::fusion, "stacking",
          "logistic regression on the models' logits, fitted on validation scores (sklearn LogisticRegression)",
          {ParamSpec::real("C", 1.0, "inverse L2 strength, as sklearn's C (intercept not penalised)").range(1e-6, 1e6),
           ParamSpec::real("eps", 1e-6, "scores are clipped to [eps, 1 - eps] before the logit").range(1e-12, 0.1),
           ParamSpec::integer("max_iter", 100, "Newton iterations at most").range(1, 10000)}};
}

StackingFusion::StackingFusion(const Params& p)
    : C_(p.real("C")), eps_(p.real("eps")), max_iter_(p.integer("max_iter")) {}

void StackingFusion::fit(const ScoreMatrix& scores, const std::vector<int>& labels) {
  const std::size_t n = check_score_matrix(scores);
  std::vector<std::vector<double>> rows(n, std::vector<double>(scores.size()));
  for (std::size_t v = 0; v < n; ++v)
    for (std::size_t j = 0; j < scores.size(); ++j) rows[v][j] = logit_feature(scores[j][v], eps_);
  const LogisticModel lr = fit_logistic_regression(rows, labels, C_, max_iter_, "stacking");
  coef_ = lr.coef;
  intercept_ = lr.intercept;
  n_iter_ = lr.n_iterations;
}

std::vector<double> StackingFusion::fuse(const ScoreMatrix& scores) const {
  if (!fitted()) throw std::logic_error("stacking: fuse called before fit (it learns from validation scores)");
  const std::size_t n = check_score_matrix(scores);
  if (scores.size() != coef_.size())
    throw std::invalid_argument("stacking was fitted on " + std::to_string(coef_.size()) + " models, given " +
                                std::to_string(scores.size()));
  std::vector<double> out(n);
  for (std::size_t v = 0; v < n; ++v) {
    double z = intercept_;
    for (std::size_t j = 0; j < coef_.size(); ++j) z += coef_[j] * logit_feature(scores[j][v], eps_);
    out[v] = sigmoid(z);
  }
  return out;
}

}  // namespace dflab
