#pragma once
// spec_augment: frequency and time masks on the feature (no time warping).
// ref: Park et al. 2019 / torchaudio.transforms.FrequencyMasking, TimeMasking: each of
// `freq_masks` masks covers w ~ U{freq_width_min..freq_width_max} consecutive bins starting at
// U{0..F-w}; each of `time_masks` masks covers w ~ U{time_width_min..time_width_max} consecutive
// frames starting at U{0..T-w} (widths capped at the axis length). Masked cells take the mean of
// the whole feature before masking. Masks may overlap.
#include "modalities/augment/augment_common.h"

namespace dflab {

class SpecAugment : public BasicAugmentation {
 public:
  explicit SpecAugment(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::int64_t freq_masks_, freq_min_, freq_max_, time_masks_, time_min_, time_max_;
};

}  // namespace dflab
