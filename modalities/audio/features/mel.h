#pragma once
// audio_feature "mel": mel spectrogram [n_mels][n_frames], in power (default) or dB.
// ref: librosa.feature.melspectrogram (+ librosa.power_to_db when to_db = true).
#include "modalities/audio/audio_feature.h"

namespace dflab {

class MelFeature : public AudioFeature {
 public:
  explicit MelFeature(const Params& p);
  static PluginInfo info();
  FeatureMatrix compute(const std::vector<float>& mono) const override;

 private:
  StftOptions stft_;
  Filterbank fb_;
  bool to_db_;
  DbOptions db_;
};

}  // namespace dflab
