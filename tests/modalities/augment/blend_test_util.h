#pragma once
// Synthetic faces with 68 landmarks for the blending augmentation tests (self_blend, face_blend).
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {

// 68 points in the iBUG layout on a w x h crop, face centred at (cx, cy): jaw 0-16 on the lower
// half of an ellipse, brows 17-26 on a line above the eyes, nose, eyes and mouth inside.
inline std::vector<cv::Point2f> face68(float w, float h, float cx_frac = 0.5f, float cy_frac = 0.5f) {
  const float cx = cx_frac * w, cy = cy_frac * h, rx = 0.3f * w, ry = 0.35f * h;
  std::vector<cv::Point2f> p(68);
  for (int i = 0; i <= 16; ++i) {   // jaw: angle from 180° (left) through 90° (chin) to 0°
    const double a = M_PI * (1.0 - i / 16.0);
    p[static_cast<std::size_t>(i)] = {cx + rx * static_cast<float>(std::cos(a)), cy + ry * static_cast<float>(std::sin(a)) * 1.0f};
  }
  for (int i = 17; i <= 26; ++i) p[static_cast<std::size_t>(i)] = {cx - 0.8f * rx + 1.6f * rx * (i - 17) / 9.0f, cy - 0.45f * ry};
  for (int i = 27; i <= 35; ++i) p[static_cast<std::size_t>(i)] = {cx + (i - 31) * 0.03f * w, cy - 0.2f * ry + (i - 27) * 0.05f * ry};
  for (int i = 36; i <= 41; ++i) p[static_cast<std::size_t>(i)] = {cx - 0.45f * rx + (i - 38.5f) * 0.02f * w, cy - 0.25f * ry};
  for (int i = 42; i <= 47; ++i) p[static_cast<std::size_t>(i)] = {cx + 0.45f * rx + (i - 44.5f) * 0.02f * w, cy - 0.25f * ry};
  for (int i = 48; i <= 67; ++i) p[static_cast<std::size_t>(i)] = {cx + (i % 10 - 4.5f) * 0.025f * w, cy + 0.5f * ry};
  return p;
}

// A face-like crop: textured background, a lighter ellipse for the face.
inline cv::Mat face_frame(int w, int h, std::uint64_t seed = 1) {
  cv::Mat f = textured_frame(w, h, seed);
  cv::ellipse(f, cv::Point(w / 2, h / 2), cv::Size(w * 3 / 10, h * 4 / 10), 0, 0, 360, cv::Scalar(150, 170, 200), cv::FILLED);
  cv::Mat noise(h, w, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(40));
  return f + noise;
}

inline AugmentSample face_sample(int n_frames, int side = 96, float target = 0.0f, std::uint64_t seed = 1) {
  AugmentSample s;
  s.modality = AugmentModality::video;
  s.target = target;
  for (int i = 0; i < n_frames; ++i) {
    s.frames.push_back(face_frame(side, side, seed + static_cast<std::uint64_t>(i)));
    s.landmarks.push_back(face68(static_cast<float>(side), static_cast<float>(side)));
  }
  return s;
}

// The filled convex hull of `pts` (255 inside), grown by `grow_px` pixels.
inline cv::Mat hull_region(const std::vector<cv::Point2f>& pts, cv::Size size, int grow_px) {
  std::vector<cv::Point2f> hull_f;
  cv::convexHull(pts, hull_f);
  std::vector<cv::Point> hull;
  for (const auto& q : hull_f) hull.emplace_back(cvRound(q.x), cvRound(q.y));
  cv::Mat m = cv::Mat::zeros(size, CV_8UC1);
  cv::fillConvexPoly(m, hull, cv::Scalar(255));
  if (grow_px > 0)
    cv::dilate(m, m, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * grow_px + 1, 2 * grow_px + 1)));
  return m;
}

}  // namespace dflab::test
