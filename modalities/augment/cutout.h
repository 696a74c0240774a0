#pragma once
// cutout: random erasing of `count` boxes, the same boxes on every frame of the clip.
//
// ref: Zhong et al., Random Erasing (torchvision.transforms.RandomErasing.get_params): box area
// fraction ~ U(scale), log aspect ratio ~ U(log ratio), w = round(sqrt(A r)), h = round(sqrt(A / r)),
// clamped to the frame; top-left uniform so the box lies inside the frame.
// fill: "zero" (black), "mean" (the frame's per-channel mean), "noise" (uniform 0..255, one field
// for the clip).
#include "modalities/augment/augment_common.h"

namespace dflab {

class Cutout : public BasicAugmentation {
 public:
  explicit Cutout(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::int64_t count_;
  std::pair<double, double> scale_, ratio_;
  std::string fill_;
};

}  // namespace dflab
