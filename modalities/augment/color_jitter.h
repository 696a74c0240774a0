#pragma once
// color_jitter: random brightness, contrast, saturation and hue, in a random order.
//
// ref: torchvision.transforms.ColorJitter (functional_tensor adjust_*): factors
// b ~ U[max(0, 1-brightness), 1+brightness], c ~ U[max(0, 1-contrast), 1+contrast],
// s ~ U[max(0, 1-saturation), 1+saturation], h ~ U[-hue, hue] (fraction of the colour circle);
// brightness: x*b; contrast: blend with the frame's mean grey level; saturation: blend with the
// grey image; hue: rotate H in HSV. Clamped to [0, 255] after each step. The factors and the
// order are drawn once per clip; a 0 disables that part.
#include "modalities/augment/augment_common.h"

namespace dflab {

class ColorJitter : public BasicAugmentation {
 public:
  explicit ColorJitter(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  double brightness_, contrast_, saturation_, hue_;
};

}  // namespace dflab
