#include "modalities/augment/hflip.h"

#include <array>

#include <opencv2/core.hpp>

namespace dflab {

namespace {
// ref: the iBUG 300-W 68-point mirror pairs (imgaug / face-alignment use the same table).
constexpr std::array<int, 68> kMirror68 = {
    16, 15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1,  0,    // jaw
    26, 25, 24, 23, 22, 21, 20, 19, 18, 17,                               // brows
    27, 28, 29, 30,                                                       // nose bridge
    35, 34, 33, 32, 31,                                                   // nostrils
    45, 44, 43, 42, 47, 46,                                               // eye 36..41 ↔ 42..47
    39, 38, 37, 36, 41, 40,
    54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55,                       // outer lips
    64, 63, 62, 61, 60, 67, 66, 65};                                      // inner lips
constexpr std::array<int, 5> kMirror5 = {1, 0, 2, 4, 3};
}  // namespace

int landmark_mirror_index(std::size_t n_points, int i) {
  if (n_points == 68) return kMirror68[static_cast<std::size_t>(i)];
  if (n_points == 5) return kMirror5[static_cast<std::size_t>(i)];
  return i;
}

PluginInfo Hflip::info() {
  return {kind::augmentation, "hflip", "horizontal flip of every frame and its landmarks", {probability_param(0.5)}};
}

Hflip::Hflip(const Params& params) : BasicAugmentation("hflip", params, true, false) {}

void Hflip::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64&) const {
  const float w = static_cast<float>(s.frames.front().cols);
  for (cv::Mat& f : s.frames) {
    cv::Mat out;
    cv::flip(f, out, 1);
    f = out;
  }
  for (auto& pts : s.landmarks) {
    std::vector<cv::Point2f> mirrored(pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const cv::Point2f& q = pts[static_cast<std::size_t>(landmark_mirror_index(pts.size(), static_cast<int>(i)))];
      mirrored[i] = {w - 1.0f - q.x, q.y};
    }
    pts = std::move(mirrored);
  }
}

}  // namespace dflab
