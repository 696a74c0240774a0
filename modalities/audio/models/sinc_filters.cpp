#include "modalities/audio/models/sinc_filters.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "modalities/models/model.h"

namespace dflab {

namespace {

double to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }
double sinc(double x) { return x == 0.0 ? 1.0 : std::sin(M_PI * x) / (M_PI * x); }   // numpy.sinc

}  // namespace

torch::Tensor mel_sinc_filters(std::int64_t n_filters, std::int64_t kernel_size, int sample_rate) {
  if (n_filters <= 0 || kernel_size <= 0 || sample_rate <= 0)
    throw std::invalid_argument("mel_sinc_filters: n_filters (" + std::to_string(n_filters) + "), kernel_size (" +
                                std::to_string(kernel_size) + ") and sample_rate (" + std::to_string(sample_rate) +
                                ") must be positive");
  const std::int64_t k = kernel_size % 2 == 0 ? kernel_size + 1 : kernel_size;
  // Band edges: np.linspace(mel(0), mel(int(sr / 2)), n + 1) mapped back to Hz (the reference takes
  // min / max over a 257-point grid of 0..int(sr/2), which are its end points).
  const double mel_max = to_mel(static_cast<double>(sample_rate / 2));
  const double step = mel_max / static_cast<double>(n_filters);
  std::vector<double> edge_hz(static_cast<std::size_t>(n_filters) + 1);
  for (std::int64_t i = 0; i <= n_filters; ++i)
    edge_hz[static_cast<std::size_t>(i)] = to_hz(i == n_filters ? mel_max : static_cast<double>(i) * step);

  torch::Tensor w = torch::empty({n_filters, 1, k}, torch::kFloat32);
  float* out = w.data_ptr<float>();
  const double half = static_cast<double>(k - 1) / 2.0, sr = sample_rate;
  for (std::int64_t i = 0; i < n_filters; ++i) {
    const double f_lo = edge_hz[static_cast<std::size_t>(i)], f_hi = edge_hz[static_cast<std::size_t>(i) + 1];
    for (std::int64_t j = 0; j < k; ++j) {
      const double t = static_cast<double>(j) - half;   // hsupp: -(K-1)/2 .. (K-1)/2
      const double ideal = 2.0 * f_hi / sr * sinc(2.0 * f_hi * t / sr) - 2.0 * f_lo / sr * sinc(2.0 * f_lo * t / sr);
      const double hamming =   // np.hamming(k)
          k == 1 ? 1.0 : 0.54 - 0.46 * std::cos(2.0 * M_PI * static_cast<double>(j) / static_cast<double>(k - 1));
      *out++ = static_cast<float>(hamming * ideal);
    }
  }
  return w;
}

std::int64_t min_waveform_samples(const torch::Tensor& filters, std::int64_t pool, int pools) {
  std::int64_t frames = 1;
  for (int i = 0; i < pools; ++i) frames *= pool;
  return filters.size(2) - 1 + frames;
}

torch::Tensor waveform_input(const char* model, const torch::Tensor& x, std::int64_t min_samples) {
  check_input(model, x, {1, 1, -1});
  if (x.size(3) < min_samples)
    throw std::invalid_argument(std::string(model) + ": needs at least " + std::to_string(min_samples) + " samples, got " +
                                std::to_string(x.size(3)));
  return x.reshape({x.size(0), 1, x.size(3)});
}

}  // namespace dflab
