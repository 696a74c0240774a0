#pragma once
// gaussian_blur and gaussian_noise: the usual "degrade the image" pair.
//
// gaussian_blur: sigma ~ U[sigma_min, sigma_max] px, kernel 2*ceil(3 sigma)+1, border reflect101.
// gaussian_noise: sigma ~ U[sigma_min, sigma_max] (8-bit grey levels), zero-mean, independent per
// pixel and channel, rounded and saturated to [0, 255]. One noise field is drawn per call and added
// to every frame, so identical frames stay identical (the clip is treated as one camera's output).
#include "modalities/augment/augment_common.h"

namespace dflab {

class GaussianBlur : public BasicAugmentation {
 public:
  explicit GaussianBlur(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::pair<double, double> sigma_;
};

class GaussianNoise : public BasicAugmentation {
 public:
  explicit GaussianNoise(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::pair<double, double> sigma_;
};

}  // namespace dflab
