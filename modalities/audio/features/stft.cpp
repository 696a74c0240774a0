#include "modalities/audio/features/stft.h"

namespace dflab {

PluginInfo StftFeature::info() {
  std::vector<ParamSpec> specs = sample_rate_params();
  for (auto& s : stft_params()) specs.push_back(std::move(s));
  return {kind::audio_feature, "stft", "|STFT|^power spectrogram [n_fft/2+1][frames] (librosa.stft)", specs};
}

StftFeature::StftFeature(const Params& p) : AudioFeature("stft", p), stft_(stft_from_params(p)) {}

FeatureMatrix StftFeature::compute(const std::vector<float>& mono) const { return spectrogram(mono, stft_); }

}  // namespace dflab
