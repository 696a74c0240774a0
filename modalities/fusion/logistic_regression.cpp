#include "modalities/fusion/logistic_regression.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dflab {

namespace {

// log(1 + exp(z)) without overflow.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// Solves A x = b for a small symmetric positive-definite A (row-major d x d) by Cholesky.
std::vector<double> solve_spd(std::vector<double> A, std::vector<double> b, std::size_t d) {
  for (std::size_t j = 0; j < d; ++j) {
    double s = A[j * d + j];
    for (std::size_t k = 0; k < j; ++k) s -= A[j * d + k] * A[j * d + k];
    if (!(s > 0)) throw std::runtime_error("logistic regression: Hessian is not positive definite");
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

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

double LogisticModel::probability(const std::vector<double>& row) const {
  if (row.size() != coef.size())
    throw std::invalid_argument("logistic regression fitted on " + std::to_string(coef.size()) + " features, given " +
                                std::to_string(row.size()));
  double z = intercept;
  for (std::size_t j = 0; j < coef.size(); ++j) z += coef[j] * row[j];
  return sigmoid(z);
}

LogisticModel fit_logistic_regression(const std::vector<std::vector<double>>& rows, const std::vector<int>& labels,
                                      double C, std::int64_t max_iter, const std::string& who) {
  const std::size_t n = rows.size();
  if (labels.size() != n)
    throw std::invalid_argument(who + ": " + std::to_string(labels.size()) + " labels for " + std::to_string(n) + " videos");
  const std::size_t m = n ? rows.front().size() : 0;
  std::size_t n_fake = 0;
  for (std::size_t v = 0; v < n; ++v) {
    if (rows[v].size() != m) throw std::invalid_argument(who + ": feature rows of different lengths");
    if (labels[v] != 0 && labels[v] != 1) throw std::invalid_argument(who + ": label " + std::to_string(labels[v]) + " is not 0 or 1");
    n_fake += static_cast<std::size_t>(labels[v]);
  }
  if (n_fake == 0 || n_fake == n)
    throw std::invalid_argument(who + ": validation labels have one class only (" + std::to_string(n_fake) + " fake of " +
                                std::to_string(n) + "); logistic regression needs both");

  const std::size_t d = m + 1;   // w_0..w_{m-1}, b
  std::vector<double> X(n * d);
  for (std::size_t v = 0; v < n; ++v) {
    for (std::size_t j = 0; j < m; ++j) X[v * d + j] = rows[v][j];
    X[v * d + m] = 1.0;
  }
  const auto objective = [&](const std::vector<double>& w) {
    double f = 0.0;
    for (std::size_t j = 0; j < m; ++j) f += 0.5 * w[j] * w[j];
    for (std::size_t v = 0; v < n; ++v) {
      double z = 0.0;
      for (std::size_t j = 0; j < d; ++j) z += X[v * d + j] * w[j];
      f += C * (labels[v] ? softplus(-z) : softplus(z));
    }
    return f;
  };

  LogisticModel out;
  std::vector<double> w(d, 0.0);
  double f = objective(w);
  out.n_iterations = 0;
  for (std::int64_t it = 0; it < max_iter; ++it) {
    std::vector<double> g(d, 0.0), H(d * d, 0.0);
    for (std::size_t j = 0; j < m; ++j) g[j] = w[j], H[j * d + j] = 1.0;
    for (std::size_t v = 0; v < n; ++v) {
      double z = 0.0;
      for (std::size_t j = 0; j < d; ++j) z += X[v * d + j] * w[j];
      const double s = sigmoid(z), r = C * (s - labels[v]), h = C * s * (1.0 - s);
      for (std::size_t j = 0; j < d; ++j) {
        g[j] += r * X[v * d + j];
        for (std::size_t k = 0; k <= j; ++k) H[j * d + k] += h * X[v * d + j] * X[v * d + k];
      }
    }
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t k = j + 1; k < d; ++k) H[j * d + k] = H[k * d + j];
    double gmax = 0.0;
    for (double gj : g) gmax = std::max(gmax, std::abs(gj));
    if (gmax < 1e-12 * std::max(1.0, C * static_cast<double>(n))) break;   // scale of the loss sum
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
    ++out.n_iterations;
    if (!(f_new <= f + slack)) break;   // no step helps: at the optimum
    double moved = 0.0;
    for (std::size_t j = 0; j < d; ++j) moved = std::max(moved, std::abs(w_new[j] - w[j]) / (1.0 + std::abs(w[j])));
    w = w_new;
    f = f_new;
    if (moved < 1e-13) break;   // Newton steps at rounding level
  }
  out.coef.assign(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(m));
  out.intercept = w[m];
  return out;
}

}  // namespace dflab
