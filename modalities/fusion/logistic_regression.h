#pragma once
// L2-regularised binary logistic regression with an unpenalised intercept, for a handful of
// features: the fit behind stacking fusion and the sync-score calibration of av models.
//
//   LogisticModel lr = fit_logistic_regression(rows, labels, /*C=*/1.0, /*max_iter=*/100, "stacking");
//   double p = lr.probability(row);   // sigmoid(intercept + coef . row)
//
// Objective: 0.5 * |w|^2 + C * sum_v logloss(y_v, sigmoid(b + w . x_v)), minimised by Newton's
// method with step halving (deterministic).
// ref: sklearn.linear_model.LogisticRegression(C=C, fit_intercept=True) (penalty "l2"): the same
//      objective; tests/modalities/fusion/fixtures/make_stacking_fixture.py checks the optimum.

#include <cstdint>
#include <string>
#include <vector>

namespace dflab {

struct LogisticModel {
  std::vector<double> coef;   // one per feature
  double intercept = 0.0;
  int n_iterations = 0;

  double probability(const std::vector<double>& row) const;
};

double sigmoid(double z);

// `rows`: one feature vector per sample, all the same length. `who` starts the error messages.
// Throws std::invalid_argument on mismatched sizes, labels other than 0/1, or one class only, and
// std::runtime_error when the Hessian is not positive definite (non-finite features).
LogisticModel fit_logistic_regression(const std::vector<std::vector<double>>& rows, const std::vector<int>& labels,
                                      double C, std::int64_t max_iter, const std::string& who);

}  // namespace dflab
