#include "modalities/fusion/stacking_fusion.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dflab {

namespace {

double logit_feature(double p, double eps) {
  p = std::clamp(p, eps, 1.0 - eps);
  return std::log(p / (1.0 - p));
}

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

// log(1 + exp(z)) without overflow.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// Solves A x = b for a small symmetric positive-definite A (row-major d x d) by Cholesky.
std::vector<double> solve_spd(std::vector<double> A, std::vector<double> b, std::size_t d) {
  for (std::size_t j = 0; j < d; ++j) {
    double s = A[j * d + j];
    for (std::size_t k = 0; k < j; ++k) s -= A[j * d + k] * A[j * d + k];
    if (!(s > 0)) throw std::runtime_error("stacking: Hessian is not positive definite");
    A[j * d + j] = std::sqrt(s);
    for (std::size_t i = j + 1; i < d; ++i) {
      double t = A[i * d + j];
      for (std::size_t k = 0; k < j; ++k) t -= A[i * d + k] * A[j * d + k];
      A[i * d + j] = t / A[j * d + j];
    }
  }
  for (std::size_t i = 0; i < d; ++i) {   // L y = b
    for (std::size_t k = 0; k < i; ++k) b[i] -= A[i * d + k] * b[k];
    b[i] /= A[i * d + i];
  }
  for (std::size_t i = d; i-- > 0;) {     // L^T x = y
    for (std::size_t k = i + 1; k < d; ++k) b[i] -= A[k * d + i] * b[k];
    b[i] /= A[i * d + i];
  }
  return b;
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
  const std::size_t m = scores.size();
  if (labels.size() != n)
    throw std::invalid_argument("stacking: " + std::to_string(labels.size()) + " labels for " + std::to_string(n) +
                                " videos");
  std::size_t n_fake = 0;
  for (int y : labels) {
    if (y != 0 && y != 1) throw std::invalid_argument("stacking: label " + std::to_string(y) + " is not 0 or 1");
    n_fake += static_cast<std::size_t>(y);
  }
  if (n_fake == 0 || n_fake == n)
    throw std::invalid_argument("stacking: validation labels have one class only (" + std::to_string(n_fake) +
                                " fake of " + std::to_string(n) + "); logistic regression needs both");

  const std::size_t d = m + 1;   // w_0..w_{m-1}, b
  std::vector<double> X(n * d);
  for (std::size_t v = 0; v < n; ++v) {
    for (std::size_t j = 0; j < m; ++j) X[v * d + j] = logit_feature(scores[j][v], eps_);
    X[v * d + m] = 1.0;
  }
  const auto objective = [&](const std::vector<double>& w) {
    double f = 0.0;
    for (std::size_t j = 0; j < m; ++j) f += 0.5 * w[j] * w[j];
    for (std::size_t v = 0; v < n; ++v) {
      double z = 0.0;
      for (std::size_t j = 0; j < d; ++j) z += X[v * d + j] * w[j];
      f += C_ * (labels[v] ? softplus(-z) : softplus(z));
    }
    return f;
  };

  std::vector<double> w(d, 0.0);
  double f = objective(w);
  n_iter_ = 0;
  for (std::int64_t it = 0; it < max_iter_; ++it) {
    std::vector<double> g(d, 0.0), H(d * d, 0.0);
    for (std::size_t j = 0; j < m; ++j) g[j] = w[j], H[j * d + j] = 1.0;
    for (std::size_t v = 0; v < n; ++v) {
      double z = 0.0;
      for (std::size_t j = 0; j < d; ++j) z += X[v * d + j] * w[j];
      const double s = sigmoid(z), r = C_ * (s - labels[v]), h = C_ * s * (1.0 - s);
      for (std::size_t j = 0; j < d; ++j) {
        g[j] += r * X[v * d + j];
        for (std::size_t k = 0; k <= j; ++k) H[j * d + k] += h * X[v * d + j] * X[v * d + k];
      }
    }
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t k = j + 1; k < d; ++k) H[j * d + k] = H[k * d + j];
    double gmax = 0.0;
    for (double gj : g) gmax = std::max(gmax, std::abs(gj));
    if (gmax < 1e-12 * std::max(1.0, C_ * static_cast<double>(n))) break;   // scale of the loss sum
    const std::vector<double> step = solve_spd(H, g, d);
    // Backtracking: Newton overshoots far from the optimum. Near it, the decrease (~|g|^2 / |H|) is
    // below the rounding of f (a sum of n terms), so a step is accepted within that rounding and
    // the gradient test above decides when to stop.
    const double slack = 1e-12 * std::max(1.0, std::abs(f));
    double t = 1.0, f_new = f;
    std::vector<double> w_new(d);
    for (int halvings = 0; halvings < 60; ++halvings, t *= 0.5) {
      for (std::size_t j = 0; j < d; ++j) w_new[j] = w[j] - t * step[j];
      f_new = objective(w_new);
      if (f_new <= f + slack) break;
    }
    ++n_iter_;
    if (!(f_new <= f + slack)) break;   // no step helps: at the optimum
    double moved = 0.0;
    for (std::size_t j = 0; j < d; ++j) moved = std::max(moved, std::abs(w_new[j] - w[j]) / (1.0 + std::abs(w[j])));
    w = w_new;
    f = f_new;
    if (moved < 1e-13) break;   // Newton steps at rounding level
  }
  coef_.assign(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(m));
  intercept_ = w[m];
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
