#pragma once
// audio_feature "waveform": the decoded mono samples themselves, [1][n_samples], for the models
// that learn their own front end from the raw signal (rawnet2, aasist: a fixed sinc filterbank
// as first layer). Training windows the row to the model's width like any feature, so the model
// gets [N, 1, 1, samples]. A 10 s clip at 16 kHz is 160 000 floats (640 kB in the feature cache).
// ref: Tak et al., ICASSP 2021 (RawNet2) and Jung et al., ICASSP 2022 (AASIST): 16 kHz input.
#include "modalities/audio/audio_feature.h"

namespace dflab {

class WaveformFeature : public AudioFeature {
 public:
  explicit WaveformFeature(const Params& p);
  static PluginInfo info();
  // Throws std::invalid_argument for an empty signal.
  FeatureMatrix compute(const std::vector<float>& mono) const override;
  // Silence of a waveform is 0, whatever the training data's minimum sample is.
  std::optional<float> silence() const override { return 0.0f; }
};

}  // namespace dflab
