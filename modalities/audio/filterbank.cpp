#include "modalities/audio/filterbank.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "modalities/audio/stft.h"

namespace dflab {

MelScale mel_scale_from_string(const std::string& name) {
  if (name == "slaney") return MelScale::slaney;
  if (name == "htk") return MelScale::htk;
  throw std::invalid_argument("unknown mel scale '" + name + "' (slaney, htk)");
}

MelNorm mel_norm_from_string(const std::string& name) {
  if (name == "slaney") return MelNorm::slaney;
  if (name == "none") return MelNorm::none;
  throw std::invalid_argument("unknown mel norm '" + name + "' (slaney, none)");
}

namespace {
constexpr double kSlaneyFSp = 200.0 / 3.0;      // Hz per mel below the break
constexpr double kSlaneyMinLogHz = 1000.0;
constexpr double kSlaneyMinLogMel = kSlaneyMinLogHz / kSlaneyFSp;   // 15
const double kSlaneyLogStep = std::log(6.4) / 27.0;
}  // namespace

double hz_to_mel(double hz, MelScale scale) {
  if (scale == MelScale::htk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz >= kSlaneyMinLogHz) return kSlaneyMinLogMel + std::log(hz / kSlaneyMinLogHz) / kSlaneyLogStep;
  return hz / kSlaneyFSp;
}

double mel_to_hz(double mel, MelScale scale) {
  if (scale == MelScale::htk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel >= kSlaneyMinLogMel) return kSlaneyMinLogHz * std::exp(kSlaneyLogStep * (mel - kSlaneyMinLogMel));
  return kSlaneyFSp * mel;
}

namespace {

// Triangles with corners at pts[i], pts[i+1], pts[i+2] (Hz) over the rfft bin frequencies.
// ref: librosa.filters.mel (ramps / fdiff) == torchaudio _create_triangular_filterbank.
Filterbank triangles(int sample_rate, int n_fft, const std::vector<double>& pts, bool slaney_norm) {
  const int n_bins = n_fft / 2 + 1;
  const int n_filters = static_cast<int>(pts.size()) - 2;
  Filterbank fb;
  fb.weights = FeatureMatrix(n_filters, n_bins);
  fb.first.assign(n_filters, 0);
  fb.last.assign(n_filters, 0);
  for (int i = 0; i < n_filters; ++i) {
    const double lo_diff = pts[i + 1] - pts[i], hi_diff = pts[i + 2] - pts[i + 1];
    const double enorm = slaney_norm ? 2.0 / (pts[i + 2] - pts[i]) : 1.0;
    int first = n_bins, last = 0;
    for (int b = 0; b < n_bins; ++b) {
      const double f = static_cast<double>(b) * sample_rate / n_fft;   // linspace(0, sr/2, n_bins)
      const double lower = (f - pts[i]) / lo_diff;
      const double upper = (pts[i + 2] - f) / hi_diff;
      const double w = std::max(0.0, std::min(lower, upper)) * enorm;
      if (w > 0.0) {
        fb.weights.at(i, b) = static_cast<float>(w);
        first = std::min(first, b);
        last = b + 1;
      }
    }
    fb.first[i] = first < last ? first : 0;
    fb.last[i] = first < last ? last : 0;   // an empty filter (librosa warns; we keep it as zeros)
  }
  return fb;
}

void check_fb_args(int sample_rate, int n_fft, int n_filters, double fmin, double fmax) {
  if (sample_rate <= 0) throw std::invalid_argument("filterbank: sample_rate must be > 0");
  if (n_fft < 2) throw std::invalid_argument("filterbank: n_fft must be >= 2");
  if (n_filters < 1) throw std::invalid_argument("filterbank: need at least one filter");
  if (!(fmin >= 0.0) || !(fmax > fmin))
    throw std::invalid_argument("filterbank: need 0 <= fmin < fmax, got fmin=" + std::to_string(fmin) +
                                " fmax=" + std::to_string(fmax));
}

}  // namespace

void Filterbank::apply(const float* spectrum, float* out) const {
  for (int f = 0; f < n_filters(); ++f) {
    const float* w = weights.row(f);
    float acc = 0.0f;
    for (int b = first[f]; b < last[f]; ++b) acc += w[b] * spectrum[b];
    out[f] = acc;
  }
}

FeatureMatrix Filterbank::apply(const FeatureMatrix& s) const {
  if (s.n_rows != n_bins())
    throw std::invalid_argument("filterbank expects " + std::to_string(n_bins()) + " bins, got " +
                                std::to_string(s.n_rows));
  FeatureMatrix out(n_filters(), s.n_cols);
  for (int f = 0; f < n_filters(); ++f) {
    float* o = out.row(f);
    const float* w = weights.row(f);
    for (int b = first[f]; b < last[f]; ++b) {
      const float wb = w[b];
      const float* in = s.row(b);
      for (int t = 0; t < s.n_cols; ++t) o[t] += wb * in[t];
    }
  }
  return out;
}

Filterbank mel_filterbank(const MelOptions& o) {
  const double fmax = o.effective_fmax();
  check_fb_args(o.sample_rate, o.n_fft, o.n_mels, o.fmin, fmax);
  // ref: librosa.mel_frequencies(n_mels + 2, fmin, fmax, htk): equally spaced in mel.
  const double m_lo = hz_to_mel(o.fmin, o.scale), m_hi = hz_to_mel(fmax, o.scale);
  std::vector<double> pts(static_cast<std::size_t>(o.n_mels) + 2);
  for (int i = 0; i < o.n_mels + 2; ++i)
    pts[i] = mel_to_hz(m_lo + (m_hi - m_lo) * i / (o.n_mels + 1), o.scale);
  return triangles(o.sample_rate, o.n_fft, pts, o.norm == MelNorm::slaney);
}

Filterbank linear_filterbank(int sample_rate, int n_fft, int n_filters, double fmin, double fmax) {
  if (fmax <= 0) fmax = sample_rate / 2.0;
  check_fb_args(sample_rate, n_fft, n_filters, fmin, fmax);
  std::vector<double> pts(static_cast<std::size_t>(n_filters) + 2);
  for (int i = 0; i < n_filters + 2; ++i) pts[i] = fmin + (fmax - fmin) * i / (n_filters + 1);
  return triangles(sample_rate, n_fft, pts, false);
}

FeatureMatrix filterbank_spectrogram(const std::vector<float>& signal, const StftOptions& stft,
                                     const Filterbank& fb) {
  stft.validate();
  if (fb.n_bins() != stft.n_fft / 2 + 1)
    throw std::invalid_argument("filterbank has " + std::to_string(fb.n_bins()) + " bins but n_fft " +
                                std::to_string(stft.n_fft) + " gives " + std::to_string(stft.n_fft / 2 + 1));
  const int n_frames = stft_n_frames(signal.size(), stft);
  FeatureMatrix out(fb.n_filters(), std::max(n_frames, 0));
  std::vector<float> col(static_cast<std::size_t>(fb.n_filters()));
  stft_frames(signal, stft, [&](int t, const float* s) {
    fb.apply(s, col.data());
    for (int f = 0; f < fb.n_filters(); ++f) out.at(f, t) = col[f];
  });
  return out;
}

}  // namespace dflab
