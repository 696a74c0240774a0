#pragma once
// mixup and paired_mixup: blend the sample with a partner, pixels and targets alike.
//
// mixup (ref: Zhang et al. 2018, facebookresearch/mixup-cifar10): partner = any training sample,
// lambda ~ Beta(alpha, alpha); video: frame_i = lambda * frame_i + (1 - lambda) * partner.frame_i
// (rounded, cv::addWeighted); audio: the feature matrices blend the same way (mixup on log-mel
// images, not a mix of the waveforms).
// paired_mixup (DFDC: mixup of a fake with its aligned original): partner = the original video's
// frames at the same indices and boxes (PartnerKind::original), lambda ~ Beta(alpha, alpha) with
// alpha = 0.5 by default; the same blend. Both set
//   target = lambda * target + (1 - lambda) * partner.target.
// Landmarks stay the sample's (the partner's are aligned for paired_mixup, unrelated for mixup).
#include "modalities/augment/augment_common.h"

namespace dflab {

class Mixup : public BasicAugmentation {
 public:
  explicit Mixup(const Params& params);
  static PluginInfo info();
  PartnerKind partner() const override { return PartnerKind::any; }

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  double alpha_;
};

class PairedMixup : public BasicAugmentation {
 public:
  explicit PairedMixup(const Params& params);
  static PluginInfo info();
  PartnerKind partner() const override { return PartnerKind::original; }

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  double alpha_;
};

// sample = lambda * sample + (1 - lambda) * partner, frames or feature, and the target likewise.
void blend_samples(AugmentSample& sample, const AugmentSample& partner, double lambda);

}  // namespace dflab
