#pragma once
// audio_feature "ffdv_mel_image": the FFDV 2024 audio baseline's CNN input — mel dB (ref max)
// min-max normalised to 0..255, truncated to uint8, resized to height x width (INTER_LINEAR).
// compute() gives it as floats [height][width]; image() as an 8-bit cv::Mat for PNG export.
// ref: modalities/audio/feature_image.h (ffdv_mel_image) for the baseline's Python.
#include <opencv2/core.hpp>

#include "modalities/audio/audio_feature.h"

namespace dflab {

class FfdvMelImageFeature : public AudioFeature {
 public:
  explicit FfdvMelImageFeature(const Params& p);
  static PluginInfo info();
  FeatureMatrix compute(const std::vector<float>& mono) const override;
  cv::Mat image(const std::vector<float>& mono) const;

 private:
  StftOptions stft_;
  Filterbank fb_;
  DbOptions db_;
  int width_, height_;
};

}  // namespace dflab
