#pragma once
// random_resized_crop: cut a random box of the frame and resize it back to the frame's size.
//
// ref: torchvision.transforms.RandomResizedCrop.get_params — area fraction ~ U(scale), log aspect
// ratio ~ U(log ratio), up to 10 tries for a box that fits, else the centre crop at the nearest
// allowed ratio. One box for the whole clip. Landmarks follow: x' = (x - x0 + 0.5) * W / w - 0.5.
#include "modalities/augment/augment_common.h"

namespace dflab {

class RandomResizedCrop : public BasicAugmentation {
 public:
  explicit RandomResizedCrop(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::pair<double, double> scale_, ratio_;
};

}  // namespace dflab
