#pragma once
// audio_gain and audio_noise act on a dB feature matrix (CV_32FC1, rows = mel bins, cols = time),
// e.g. dflab's mel / ffdv features, which are 10 log10(power) (modalities/audio/decibel.h).
//
// audio_gain: g ~ U[gain_db] is added to every cell. Scaling the waveform by 10^(g/20) scales
// every power bin by 10^(g/10), i.e. adds g dB: in the dB domain a gain is exactly an offset.
// (librosa's top_db clipping floor moves with it, so a clipped floor stays flat.)
//
// audio_noise, mode "power" (default): adds stationary white noise in the power domain. The noise
// level is n = max(x) - snr with snr ~ U[snr_db]; each cell's noise power is 10^(n/10) E with
// E ~ Exp(1) (the periodogram of white Gaussian noise is chi-squared with 2 degrees of freedom), so
//   x' = 10 log10(10^(x/10) + 10^(n/10) E).
// Loud cells barely change, quiet cells rise to the noise floor — what recording noise does to a
// log-mel spectrogram (up to the mel filters' unequal widths, which scale a white floor per band).
// Mode "feature": x' = x + N(0, sigma^2), sigma ~ U[sigma_db]: jitter of the feature values,
// NOT the spectrum of added noise.
#include "modalities/augment/augment_common.h"

namespace dflab {

class AudioGain : public BasicAugmentation {
 public:
  explicit AudioGain(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::pair<double, double> gain_db_;
};

class AudioNoise : public BasicAugmentation {
 public:
  explicit AudioNoise(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::string mode_;
  std::pair<double, double> snr_db_, sigma_db_;
};

}  // namespace dflab
