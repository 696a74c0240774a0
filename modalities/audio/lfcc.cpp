#include "modalities/audio/lfcc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "modalities/audio/cepstrum.h"
#include "modalities/audio/decibel.h"
#include "modalities/audio/delta.h"
#include "modalities/audio/filterbank.h"

namespace dflab {

LfccLog lfcc_log_from_string(const std::string& name) {
  if (name == "log10") return LfccLog::log10;
  if (name == "db") return LfccLog::db;
  if (name == "ln") return LfccLog::ln;
  throw std::invalid_argument("unknown LFCC log '" + name + "' (log10, db, ln)");
}

DeltaMode delta_mode_from_string(const std::string& name) {
  if (name == "none") return DeltaMode::none;
  if (name == "asvspoof") return DeltaMode::asvspoof;
  if (name == "librosa") return DeltaMode::librosa;
  throw std::invalid_argument("unknown delta mode '" + name + "' (none, asvspoof, librosa)");
}

FeatureMatrix lfcc(const std::vector<float>& signal, const LfccOptions& o) {
  if (o.n_lfcc < 1 || o.n_lfcc > o.n_filters)
    throw std::invalid_argument("n_lfcc must be in [1, n_filters]");
  const float eps = std::numeric_limits<float>::epsilon();   // torch.finfo(torch.float32).eps

  std::vector<float> x = signal;
  if (o.pre_emphasis != 0.0)
    for (std::size_t n = x.size(); n-- > 1;) x[n] = signal[n] - static_cast<float>(o.pre_emphasis) * signal[n - 1];

  const Filterbank fb = linear_filterbank(o.sample_rate, o.stft.n_fft, o.n_filters, o.fmin, o.fmax);
  const int n_frames = stft_n_frames(x.size(), o.stft);
  FeatureMatrix bands(o.n_filters, std::max(n_frames, 0));
  std::vector<float> energy(static_cast<std::size_t>(std::max(n_frames, 0)));
  std::vector<float> col(static_cast<std::size_t>(o.n_filters));
  const int n_bins = o.stft.n_fft / 2 + 1;
  stft_frames(x, o.stft, [&](int t, const float* s) {
    fb.apply(s, col.data());
    for (int f = 0; f < o.n_filters; ++f) bands.at(f, t) = col[f];
    double e = 0.0;
    for (int b = 0; b < n_bins; ++b) e += s[b];
    energy[t] = static_cast<float>(std::log10(e / o.stft.n_fft + eps));
  });

  switch (o.log) {
    case LfccLog::log10:
      for (float& v : bands.data) v = std::log10(v + eps);
      break;
    case LfccLog::db: {
      DbOptions db;   // torchaudio AmplitudeToDB('power', top_db=80): ref 1, amin 1e-10
      bands = power_to_db(bands, db);
      break;
    }
    case LfccLog::ln:
      for (float& v : bands.data) v = std::log(v + 1e-6f);
      break;
  }
  FeatureMatrix c = cepstra(bands, o.n_lfcc);
  if (o.with_energy)
    for (int t = 0; t < c.n_cols; ++t) c.at(0, t) = energy[t];
  if (o.deltas == DeltaMode::none) return c;

  const FeatureMatrix d1 = o.deltas == DeltaMode::asvspoof ? delta_asvspoof(c) : delta(c, o.delta_width, 1);
  const FeatureMatrix d2 = o.deltas == DeltaMode::asvspoof ? delta_asvspoof(d1) : delta(c, o.delta_width, 2);
  FeatureMatrix out(3 * c.n_rows, c.n_cols);
  std::copy(c.data.begin(), c.data.end(), out.data.begin());
  std::copy(d1.data.begin(), d1.data.end(), out.data.begin() + c.data.size());
  std::copy(d2.data.begin(), d2.data.end(), out.data.begin() + 2 * c.data.size());
  return out;
}

}  // namespace dflab
