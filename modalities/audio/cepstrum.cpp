#include "modalities/audio/cepstrum.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace dflab {

FeatureMatrix dct2_ortho_matrix(int n_in, int n_out) {
  if (n_in < 1 || n_out < 1 || n_out > n_in)
    throw std::invalid_argument("DCT: need 1 <= n_out (" + std::to_string(n_out) + ") <= n_in (" +
                                std::to_string(n_in) + ")");
  FeatureMatrix d(n_out, n_in);
  for (int k = 0; k < n_out; ++k) {
    const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / n_in);
    for (int n = 0; n < n_in; ++n)
      d.at(k, n) = static_cast<float>(scale * std::cos(M_PI * k * (2.0 * n + 1.0) / (2.0 * n_in)));
  }
  return d;
}

FeatureMatrix cepstra(const FeatureMatrix& s, int n_coef, int lifter) {
  if (lifter < 0) throw std::invalid_argument("lifter must be >= 0");
  const FeatureMatrix d = dct2_ortho_matrix(s.n_rows, n_coef);
  FeatureMatrix out(n_coef, s.n_cols);
  for (int k = 0; k < n_coef; ++k) {
    float* o = out.row(k);
    for (int n = 0; n < s.n_rows; ++n) {
      const float w = d.at(k, n);
      const float* in = s.row(n);
      for (int t = 0; t < s.n_cols; ++t) o[t] += w * in[t];
    }
    if (lifter > 0) {
      const float lift = static_cast<float>(1.0 + (lifter / 2.0) * std::sin(M_PI * (k + 1) / lifter));
      for (int t = 0; t < s.n_cols; ++t) o[t] *= lift;
    }
  }
  return out;
}

FeatureMatrix mfcc(const std::vector<float>& signal, const MfccOptions& o) {
  MelOptions mel = o.mel;
  mel.n_fft = o.stft.n_fft;
  if (o.n_mfcc > mel.n_mels)
    throw std::invalid_argument("n_mfcc " + std::to_string(o.n_mfcc) + " > n_mels " + std::to_string(mel.n_mels));
  const Filterbank fb = mel_filterbank(mel);
  return cepstra(power_to_db(filterbank_spectrogram(signal, o.stft, fb), o.db), o.n_mfcc, o.lifter);
}

}  // namespace dflab
