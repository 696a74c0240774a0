#include "modalities/audio/stft.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "modalities/audio/fft_plan.h"

namespace dflab {

WindowType window_from_string(const std::string& name) {
  if (name == "hann") return WindowType::hann;
  if (name == "hamming") return WindowType::hamming;
  throw std::invalid_argument("unknown window '" + name + "' (hann, hamming)");
}

PadMode pad_mode_from_string(const std::string& name) {
  if (name == "constant") return PadMode::constant;
  if (name == "reflect") return PadMode::reflect;
  throw std::invalid_argument("unknown pad mode '" + name + "' (constant, reflect)");
}

std::vector<float> make_window(WindowType type, int length, int n_fft) {
  if (length < 1 || length > n_fft)
    throw std::invalid_argument("window length " + std::to_string(length) + " not in [1, n_fft=" +
                                std::to_string(n_fft) + "]");
  // Periodic: the symmetric window of length+1 without its last sample (scipy fftbins=True).
  const double a = type == WindowType::hann ? 0.5 : 0.54;
  std::vector<float> w(static_cast<std::size_t>(n_fft), 0.0f);
  const int left = (n_fft - length) / 2;   // ref: librosa.util.pad_center, lpad = (size - n) // 2
  for (int k = 0; k < length; ++k)
    w[left + k] = static_cast<float>(a - (1.0 - a) * std::cos(2.0 * M_PI * k / length));
  return w;
}

void StftOptions::validate() const {
  if (n_fft < 2) throw std::invalid_argument("n_fft must be >= 2, got " + std::to_string(n_fft));
  if (hop_length < 1) throw std::invalid_argument("hop_length must be >= 1, got " + std::to_string(hop_length));
  if (win_length < 0 || win_length > n_fft)
    throw std::invalid_argument("win_length " + std::to_string(win_length) + " not in [0, n_fft]");
  if (!(power > 0)) throw std::invalid_argument("power must be > 0");
}

int stft_n_frames(std::size_t n, const StftOptions& o) {
  const std::size_t padded = o.center ? n + 2 * static_cast<std::size_t>(o.n_fft / 2) : n;
  if (padded < static_cast<std::size_t>(o.n_fft)) return 0;
  return static_cast<int>(1 + (padded - o.n_fft) / o.hop_length);
}

int stft_frames(const std::vector<float>& x, const StftOptions& o,
                const std::function<void(int, const float*)>& on_frame) {
  o.validate();
  const std::size_t n = x.size();
  if (n == 0) throw std::invalid_argument("spectrogram: empty signal");
  const int pad = o.center ? o.n_fft / 2 : 0;
  if (!o.center && n < static_cast<std::size_t>(o.n_fft))
    throw std::invalid_argument("spectrogram: " + std::to_string(n) + " samples < n_fft " +
                                std::to_string(o.n_fft) + " with center=false");
  if (o.center && o.pad_mode == PadMode::reflect && n <= static_cast<std::size_t>(pad))
    throw std::invalid_argument("spectrogram: " + std::to_string(n) +
                                " samples too short for reflect padding of " + std::to_string(pad));

  const int n_frames = stft_n_frames(n, o);
  const int n_bins = o.n_fft / 2 + 1;
  const std::vector<float> window = make_window(o.window, o.effective_win_length(), o.n_fft);
  // The window is zero outside [first, last): skip those samples.
  int first = 0, last = o.n_fft;
  while (first < last && window[first] == 0.0f) ++first;
  while (last > first && window[last - 1] == 0.0f) --last;

  // Sample i of the padded signal [pad | x | pad]; only frames that overlap the padding use it,
  // the others read x directly (no padded copy of the whole signal).
  const std::ptrdiff_t sn = static_cast<std::ptrdiff_t>(n);
  auto padded_at = [&](std::ptrdiff_t i) -> float {
    i -= pad;
    if (i >= 0 && i < sn) return x[static_cast<std::size_t>(i)];
    if (o.pad_mode == PadMode::constant) return 0.0f;
    return i < 0 ? x[static_cast<std::size_t>(-i)] : x[static_cast<std::size_t>(2 * (sn - 1) - i)];   // numpy 'reflect'
  };

  const RealFft& fft = RealFft::get(o.n_fft);
  FftwBuffer<float> frame(static_cast<std::size_t>(o.n_fft));
  FftwBuffer<fftwf_complex> spec(static_cast<std::size_t>(n_bins));
  for (int k = 0; k < o.n_fft; ++k) frame[k] = 0.0f;

  std::vector<float> values(static_cast<std::size_t>(n_bins));
  const float half_power = static_cast<float>(o.power / 2.0);
  float* __restrict f = frame.data();
  const float* __restrict w = window.data();
  const float* __restrict c = reinterpret_cast<const float*>(spec.data());   // interleaved re, im
  float* __restrict v = values.data();
  for (int t = 0; t < n_frames; ++t) {
    const std::ptrdiff_t begin = static_cast<std::ptrdiff_t>(t) * o.hop_length;   // in padded coordinates
    if (begin + first - pad >= 0 && begin + last - pad <= sn) {
      const float* __restrict src = x.data() + (begin - pad);
      for (int k = first; k < last; ++k) f[k] = src[k] * w[k];
    } else {
      for (int k = first; k < last; ++k) f[k] = padded_at(begin + k) * w[k];
    }
    fft.forward(f, spec.data());
    for (int b = 0; b < n_bins; ++b) v[b] = c[2 * b] * c[2 * b] + c[2 * b + 1] * c[2 * b + 1];
    if (o.power == 1.0) {
      for (int b = 0; b < n_bins; ++b) v[b] = std::sqrt(v[b]);
    } else if (o.power != 2.0) {
      for (int b = 0; b < n_bins; ++b) v[b] = std::pow(v[b], half_power);
    }
    on_frame(t, v);
  }
  return n_frames;
}

FeatureMatrix spectrogram(const std::vector<float>& x, const StftOptions& o) {
  o.validate();
  const int n_bins = o.n_fft / 2 + 1;
  FeatureMatrix out(n_bins, std::max(stft_n_frames(x.size(), o), 0));
  stft_frames(x, o, [&out, n_bins](int t, const float* s) {
    for (int b = 0; b < n_bins; ++b) out.at(b, t) = s[b];
  });
  return out;
}

}  // namespace dflab
