#pragma once
// self_blend: a pseudo-fake from one real face (Self-Blended Images). A copy of the crop (the
// source) is changed in colour, frequency and geometry, and blended back into the crop (the
// target) through a deformed, blurred mask of the landmark hull:
//   blended = source·mask + target·(1 − mask);  target label becomes 1 (fake).
// ref: Shiohara & Yamasaki, "Detecting Deepfakes with Self-Blended Images", CVPR 2022, Sec. 3;
//      mapooon/SelfBlendedImages src/utils/sbi.py (get_source_transforms, randaffine,
//      self_blending), src/utils/funcs.py (RandomDownScale), src/utils/blend.py (dynamic_blend).
//
// Source transform (defaults are the reference's ranges):
//   colour: RGB shift, each channel +U[-rgb_shift, rgb_shift] with probability 0.3; HSV shift
//     hue/sat/val +U[-h, h] each (`hsv_shift`, albumentations' 8-bit units: hue 0–180, s, v 0–255;
//     the reference's 0.3 is nearly nothing, its uint8 look-up table even rounds it away);
//     brightness/contrast x·(1 + U[-c, c]) + 255·U[-b, b].
//   frequency: one of (equally likely) downscale by 2 or 4 (nearest) and back up (linear), or
//     sharpen with alpha U[0.2, 0.5], lightness U[0.5, 1.0] (albumentations Sharpen).
//   geometry: scale U[scale] about the centre, shift U[-tx, tx]·W, U[-ty, ty]·H; the same affine
//     moves the mask (randaffine).
// Mask: the face region of the frame's landmarks (blend_mask.h face_region: hull of 68 points;
// 5 points and none have documented fallbacks), elastic-deformed (alpha 50, sigma 7), blurred
// twice with odd kernels in [5, 25] at a random working size in [192, 256] px, times a ratio from
// `blend_ratios` (0.25, 0.5, 0.75, 1, 1, 1: full blends three times as likely).
//
// Departure from the reference: it transforms the target instead of the source half the time
// and returns that as the paired real; here the source alone is transformed, so pixels where
// the mask is 0 keep the crop's exact values and the real half of a real_only batch is the
// untouched crop.
//
// One draw per clip: every frame gets the same transforms, field and ratio (its own landmarks).
// The mask of each frame is left in AugmentSample::blend_masks.
#include "modalities/augment/augment_common.h"
#include "modalities/augment/blend_mask.h"

namespace dflab {

class SelfBlend : public BasicAugmentation {
 public:
  explicit SelfBlend(const Params& params);
  static PluginInfo info();
  bool forges() const override { return true; }

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  BlendMaskRanges mask_;
  double rgb_shift_, brightness_, contrast_;
  std::vector<double> hsv_shift_;
  std::pair<double, double> scale_;
  double translate_x_, translate_y_;
};

}  // namespace dflab
