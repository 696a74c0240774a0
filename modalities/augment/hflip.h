#pragma once
// hflip: mirror every frame of the clip left-right, and its landmarks with it.
//
// Landmarks: x' = W - 1 - x (pixel-centre coordinates, so a landmark on pixel column c lands on
// column W-1-c), and the points are re-indexed so the layout keeps its meaning in image terms
// (5-point: 0 = eye on the image's left, 1 = the other eye, 2 nose, 3/4 mouth corners left/right;
// 68-point: dlib's iBUG mirror permutation). Other point counts are mirrored without re-indexing.
#include "modalities/augment/augment_common.h"

namespace dflab {

class Hflip : public BasicAugmentation {
 public:
  explicit Hflip(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;
};

// Index i of the mirrored layout takes point mirror_index(n, i) of the original (n = 5 or 68).
int landmark_mirror_index(std::size_t n_points, int i);

}  // namespace dflab
