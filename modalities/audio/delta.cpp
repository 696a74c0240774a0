#include "modalities/audio/delta.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace dflab {

namespace {

// Weights c[j] (j = 0..width-1) such that sum_j c[j] y[j] is the deriv-th derivative, at position
// x0 (relative to the window centre), of the degree-`degree` least-squares fit to y at x = j - h.
std::vector<double> savgol_weights(int width, int degree, int deriv, double x0) {
  const int h = width / 2;
  const int m = degree + 1;
  // Normal equations G = A^T A (m x m), A[j][k] = x_j^k.
  std::vector<double> g(static_cast<std::size_t>(m * m), 0.0);
  for (int j = 0; j < width; ++j) {
    const double x = j - h;
    for (int a = 0; a < m; ++a)
      for (int b = 0; b < m; ++b) g[a * m + b] += std::pow(x, a) * std::pow(x, b);
  }
  // e[k] = d^deriv/dx^deriv x^k at x0.
  std::vector<double> e(static_cast<std::size_t>(m), 0.0);
  for (int k = deriv; k < m; ++k) {
    double f = 1.0;
    for (int i = 0; i < deriv; ++i) f *= (k - i);
    e[k] = f * std::pow(x0, k - deriv);
  }
  // Solve G z = e (G symmetric positive definite, tiny): Gauss-Jordan with partial pivoting.
  std::vector<double> z = e;
  for (int col = 0; col < m; ++col) {
    int piv = col;
    for (int r = col + 1; r < m; ++r)
      if (std::abs(g[r * m + col]) > std::abs(g[piv * m + col])) piv = r;
    if (piv != col) {
      for (int c = 0; c < m; ++c) std::swap(g[col * m + c], g[piv * m + c]);
      std::swap(z[col], z[piv]);
    }
    const double p = g[col * m + col];
    for (int r = 0; r < m; ++r) {
      if (r == col) continue;
      const double f = g[r * m + col] / p;
      for (int c = 0; c < m; ++c) g[r * m + c] -= f * g[col * m + c];
      z[r] -= f * z[col];
    }
  }
  for (int k = 0; k < m; ++k) z[k] /= g[k * m + k];
  // c[j] = sum_k z[k] x_j^k.
  std::vector<double> c(static_cast<std::size_t>(width), 0.0);
  for (int j = 0; j < width; ++j)
    for (int k = 0; k < m; ++k) c[j] += z[k] * std::pow(static_cast<double>(j - h), k);
  return c;
}

}  // namespace

FeatureMatrix delta(const FeatureMatrix& data, int width, int order) {
  if (width < 3 || width % 2 == 0)
    throw std::invalid_argument("delta: width must be odd and >= 3, got " + std::to_string(width));
  if (order < 1) throw std::invalid_argument("delta: order must be >= 1");
  if (width > data.n_cols)
    throw std::invalid_argument("delta: width " + std::to_string(width) + " > " + std::to_string(data.n_cols) +
                                " frames (mode interp needs a full window)");
  const int h = width / 2;
  const int T = data.n_cols;
  const std::vector<double> centre = savgol_weights(width, order, order, 0.0);
  // Edge frame i (i < h) uses the first window evaluated at x = i - h; the end mirrors it.
  std::vector<std::vector<double>> head(h), tail(h);
  for (int i = 0; i < h; ++i) {
    head[i] = savgol_weights(width, order, order, i - h);
    tail[i] = savgol_weights(width, order, order, i + 1);   // frame T - h + i
  }
  FeatureMatrix out(data.n_rows, T);
  for (int r = 0; r < data.n_rows; ++r) {
    const float* x = data.row(r);
    float* y = out.row(r);
    for (int t = h; t < T - h; ++t) {
      double acc = 0.0;
      for (int j = 0; j < width; ++j) acc += centre[j] * x[t - h + j];
      y[t] = static_cast<float>(acc);
    }
    for (int i = 0; i < h; ++i) {
      double a = 0.0, b = 0.0;
      for (int j = 0; j < width; ++j) {
        a += head[i][j] * x[j];
        b += tail[i][j] * x[T - width + j];
      }
      y[i] = static_cast<float>(a);
      y[T - h + i] = static_cast<float>(b);
    }
  }
  return out;
}

FeatureMatrix delta_asvspoof(const FeatureMatrix& data) {
  FeatureMatrix out(data.n_rows, data.n_cols);
  const int T = data.n_cols;
  for (int r = 0; r < data.n_rows; ++r)
    for (int t = 0; t < T; ++t)
      out.at(r, t) = data.at(r, std::min(t + 1, T - 1)) - data.at(r, std::max(t - 1, 0));
  return out;
}

}  // namespace dflab
