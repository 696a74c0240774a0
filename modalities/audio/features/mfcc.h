#pragma once
// audio_feature "mfcc": [n_mfcc * (1 + delta_order)][n_frames] — MFCC, then optionally its
// delta and delta-delta rows (librosa.feature.delta, width delta_width).
// ref: librosa.feature.mfcc (DCT-II ortho of power_to_db(melspectrogram)).
#include "modalities/audio/audio_feature.h"
#include "modalities/audio/cepstrum.h"

namespace dflab {

class MfccFeature : public AudioFeature {
 public:
  explicit MfccFeature(const Params& p);
  static PluginInfo info();
  FeatureMatrix compute(const std::vector<float>& mono) const override;

 private:
  StftOptions stft_;
  Filterbank fb_;
  DbOptions db_;
  int n_mfcc_, lifter_, delta_order_, delta_width_;
};

}  // namespace dflab
