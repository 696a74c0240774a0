#pragma once
// What the blending augmentations (self_blend, face_blend) share, internal to modalities/augment:
// the face region from landmarks, its random deformation and blur into a soft mask, and the
// blend itself. One BlendMaskDraw per clip, so every frame of a clip gets the same deformation.
//
//   BlendMaskDraw d = draw_blend_mask(rng, ranges);              // once per clip
//   cv::Mat hull = face_region(landmarks[i], frame.size());      // CV_32FC1, 0 or 1
//   cv::Mat m = soft_blend_mask(hull, d);                        // CV_32FC1 in [0, ratio]
//   frame = blend_through(source, frame, m);                     // source·m + target·(1 − m)
//
// ref: Shiohara & Yamasaki, "Detecting Deepfakes with Self-Blended Images", CVPR 2022, Sec. 3.3
// and mapooon/SelfBlendedImages src/utils/blend.py (get_blend_mask, dynamic_blend) and
// src/utils/sbi.py (randaffine: ElasticTransform alpha 50, sigma 7 on the mask).

#include <random>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

namespace dflab {

struct BlendMaskRanges {
  std::pair<int, int> work_side{192, 256};    // mask resized to w, h drawn from this before blurring (px)
  std::pair<int, int> kernel{5, 25};          // odd Gaussian kernel sides of both blurs (px, work size)
  std::pair<int, int> sigma_2{5, 45};         // sigma of the second blur (px, work size; capped by its kernel)
  double elastic_alpha = 50.0;                // elastic displacement scale (px, work size); 0 = off
  double elastic_sigma = 7.0;                 // smoothing of the displacement field (px, work size)
  std::vector<double> ratios{0.25, 0.5, 0.75, 1.0, 1.0, 1.0};   // blend ratio, one drawn uniformly
};

struct BlendMaskDraw {
  cv::Size work;                 // working size of the mask
  int kernel_1 = 5, kernel_2 = 5;
  double sigma_2 = 5.0;
  double ratio = 1.0;
  cv::Mat map_x, map_y;          // elastic remap at `work` (CV_32FC1); empty when alpha = 0
};

BlendMaskDraw draw_blend_mask(std::mt19937_64& rng, const BlendMaskRanges& ranges);

// The face region of a crop as a 0/1 CV_32FC1 mask, from whatever landmarks the frame has:
//   68 points (dlib): their convex hull (SBI's mask without the 81-point forehead);
//   5 points (eyes, nose, mouth corners): their hull grown 1.8x about its centroid, which reaches
//     from the brows to below the mouth (the hull of 5 points alone covers only the face centre);
//   another count >= 3: the hull of those points;
//   none (or < 3): an ellipse centred at (0.5 W, 0.55 H) with semi-axes (0.3 W, 0.38 H): the face
//     of a square crop with margin 1.3 around a detector box, whose central 1/1.3 is the face.
cv::Mat face_region(const std::vector<cv::Point2f>& landmarks, cv::Size size);

// Elastic deformation, two Gaussian blurs (the first thresholded at its maximum, which erodes
// the region by about half its kernel), both normalised to peak 1, times the drawn ratio; at the
// region's size. ref: blend.py get_blend_mask. An empty region gives an all-zero mask.
cv::Mat soft_blend_mask(const cv::Mat& region, const BlendMaskDraw& draw);

// source·mask + target·(1 − mask), per pixel, rounded; CV_8UC3. Where mask is 0 the result is
// target exactly.
cv::Mat blend_through(const cv::Mat& source, const cv::Mat& target, const cv::Mat& mask);

// The odd integers in [lo, hi], drawn uniformly (random.randrange(lo, hi + 1, 2) for odd lo).
int uniform_odd(std::mt19937_64& rng, int lo, int hi);

}  // namespace dflab
