#pragma once
// audio_feature "lfcc": linear-frequency cepstra, defaults = the ASVspoof 2021 LFCC-LCNN baseline
// front end ([60][n_frames] at 16 kHz). See modalities/audio/lfcc.h for the reference.
#include "modalities/audio/audio_feature.h"
#include "modalities/audio/lfcc.h"

namespace dflab {

class LfccFeature : public AudioFeature {
 public:
  explicit LfccFeature(const Params& p);
  static PluginInfo info();
  FeatureMatrix compute(const std::vector<float>& mono) const override;

 private:
  LfccOptions options_;
};

}  // namespace dflab
