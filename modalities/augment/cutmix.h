#pragma once
// cutmix: paste a random box of another training sample into this one; the target is mixed by
// area. ref: Yun et al. 2019 (clovaai/CutMix-PyTorch train.py rand_bbox): lambda ~ Beta(alpha,
// alpha), box w = W sqrt(1 - lambda), h = H sqrt(1 - lambda) around a uniform centre, clipped to
// the frame; then lambda = 1 - box area / frame area and
//   target = lambda * target + (1 - lambda) * partner.target.
// The same box on every frame; frame i takes the partner's frame i. Landmarks are the sample's.
#include "modalities/augment/augment_common.h"

namespace dflab {

class Cutmix : public BasicAugmentation {
 public:
  explicit Cutmix(const Params& params);
  static PluginInfo info();
  PartnerKind partner() const override { return PartnerKind::any; }

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  double alpha_;
};

}  // namespace dflab
