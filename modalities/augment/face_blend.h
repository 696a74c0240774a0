#pragma once
// face_blend: a blending fake made of two real faces (Face X-ray's training data). Another real
// face (the partner, PartnerKind::real: a sample of another real video) is moved onto this one,
// colour-corrected to it, and blended in through the same kind of deformed, blurred mask of this
// face's landmark hull as self_blend:
//   blended = partner'·mask + target·(1 − mask);  target label becomes 1 (fake).
// ref: Li et al., "Face X-ray for More General Face Forgery Detection", CVPR 2020, Sec. 3.2
//      (nearest-landmark partner, convex hull mask deformed and blurred, colour correction).
//
// Steps, per frame i (partner frame i):
//   1. align: the similarity (rotation, scale, shift) that best maps the partner's landmarks onto
//      this face's (least squares, 68 or 5 points). Face X-ray instead searches, among random
//      real faces, one whose landmarks are already nearest; the loader here gives one random
//      other real face and alignment makes its landmarks near. Without landmarks on either side
//      the partner is used as it is (both are face crops of the same pipeline, faces roughly
//      where each other's are).
//   2. colour correction: per channel, the partner's mean and standard deviation inside this
//      face's region are moved to this face's (Reinhard colour transfer, as the Face X-ray
//      reimplementations' colorTransfer).
//   3. mask: blend_mask.h face_region of this face's landmarks (68-point hull; documented
//      fallbacks for 5 points and none), elastic-deformed, blurred twice (SBI's ranges, as
//      self_blend), times a ratio from `blend_ratios` (Face X-ray blends fully: default [1]).
// One draw per clip (mask deformation, blur, ratio). Without a partner (no other real video with
// crops) the sample is left alone by apply(); training with real_only reports it as an error.
// The mask of each frame is left in AugmentSample::blend_masks.
#include "modalities/augment/augment_common.h"
#include "modalities/augment/blend_mask.h"

namespace dflab {

class FaceBlend : public BasicAugmentation {
 public:
  explicit FaceBlend(const Params& params);
  static PluginInfo info();
  bool forges() const override { return true; }
  PartnerKind partner() const override { return PartnerKind::real; }

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  BlendMaskRanges mask_;
  bool colour_correction_;
};

}  // namespace dflab
