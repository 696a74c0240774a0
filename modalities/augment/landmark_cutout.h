#pragma once
// landmark_cutout: black out the eyes, the nose or the mouth (one region, chosen per clip), so a
// model cannot rely on one facial part. DFDC 1st place (selimsef, training/datasets/
// classifier_dataset.py: remove_eyes / remove_nose / remove_mouth) on MTCNN's 5 points.
//
// Regions, on 5 points (left eye, right eye, nose, left mouth corner, right mouth corner):
//   eyes:  segment eye-eye,                     thickness 2 + 2*floor(d/4), d = eye distance
//   nose:  segment nose tip - eye midpoint,     thickness 2 + 2*floor(d/4)
//   mouth: segment mouth corner - mouth corner, thickness 2 + 2*floor(m/3), m = mouth width
// (the reference draws a 2-px line and dilates it by that many iterations; a thick round-capped
// line is the same band up to the dilation's diamond corners). 68-point dlib landmarks are reduced
// to those 5 points: eye centres = mean of 36..41 and 42..47, nose tip 30, mouth corners 48, 54.
//
// A frame without landmarks uses canonical positions for a square face crop with margin ~1.3 (the
// detector box covers the central 1/1.3 of the crop), in fractions of the crop side (x, y):
//   eyes (0.35, 0.41) and (0.65, 0.41), nose (0.50, 0.56), mouth corners (0.39, 0.72) and (0.61, 0.72)
// (typical box-relative positions eyes (0.30, 0.38)/(0.70, 0.38), nose (0.5, 0.58), mouth
// (0.35, 0.78)/(0.65, 0.78) mapped through x_crop = 0.115 + 0.77 x_box).
#include <array>

#include "modalities/augment/augment_common.h"

namespace dflab {

class LandmarkCutout : public BasicAugmentation {
 public:
  explicit LandmarkCutout(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::vector<std::string> regions_;
};

// The 5 points used for a frame: from 5 or 68 landmarks, or the canonical ones when `landmarks`
// is empty. Throws std::invalid_argument for another point count.
std::array<cv::Point2f, 5> five_points(const std::vector<cv::Point2f>& landmarks, cv::Size crop);

// Draws region "eyes" | "nose" | "mouth" of `pts` into `mask` (CV_8UC1, 255 = erased).
void draw_landmark_region(cv::Mat& mask, const std::array<cv::Point2f, 5>& pts, const std::string& region);

}  // namespace dflab
