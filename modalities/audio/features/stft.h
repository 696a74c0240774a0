#pragma once
// audio_feature "stft": |STFT|^power spectrogram, [n_fft/2 + 1][n_frames].
// ref: librosa.stft / librosa.core.spectrum._spectrogram.
#include "modalities/audio/audio_feature.h"

namespace dflab {

class StftFeature : public AudioFeature {
 public:
  explicit StftFeature(const Params& p);
  static PluginInfo info();
  FeatureMatrix compute(const std::vector<float>& mono) const override;

 private:
  StftOptions stft_;
};

}  // namespace dflab
