#include "modalities/augment/random_resized_crop.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace dflab {

PluginInfo RandomResizedCrop::info() {
  return {kind::augmentation,
          "random_resized_crop",
          "random box (area fraction, aspect ratio) resized back to the frame size",
          {probability_param(0.5),
           ParamSpec::reals("scale", {0.6, 1.0}, "[lo, hi] area of the box as a fraction of the frame").range(0.01, 1.0),
           ParamSpec::reals("ratio", {3.0 / 4.0, 4.0 / 3.0}, "[lo, hi] aspect ratio w/h of the box").range(0.05, 20.0)}};
}

RandomResizedCrop::RandomResizedCrop(const Params& params)
    : BasicAugmentation("random_resized_crop", params, true, false),
      scale_(range_param(params, "random_resized_crop", "scale")),
      ratio_(range_param(params, "random_resized_crop", "ratio")) {}

void RandomResizedCrop::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const int W = s.frames.front().cols, H = s.frames.front().rows;
  const double area = static_cast<double>(W) * H;
  cv::Rect box;
  bool found = false;
  for (int attempt = 0; attempt < 10 && !found; ++attempt) {
    const double target = area * uniform(rng, scale_.first, scale_.second);
    const double r = std::exp(uniform(rng, std::log(ratio_.first), std::log(ratio_.second)));
    const int w = static_cast<int>(std::lround(std::sqrt(target * r)));
    const int h = static_cast<int>(std::lround(std::sqrt(target / r)));
    if (w > 0 && h > 0 && w <= W && h <= H) {
      box = {static_cast<int>(uniform_int(rng, 0, W - w)), static_cast<int>(uniform_int(rng, 0, H - h)), w, h};
      found = true;
    }
  }
  if (!found) {   // torchvision's fallback: centre crop at the ratio clamped into range
    const double in_ratio = static_cast<double>(W) / H;
    int w = W, h = H;
    if (in_ratio < ratio_.first) h = static_cast<int>(std::lround(W / ratio_.first));
    else if (in_ratio > ratio_.second) w = static_cast<int>(std::lround(H * ratio_.second));
    w = std::clamp(w, 1, W);
    h = std::clamp(h, 1, H);
    box = {(W - w) / 2, (H - h) / 2, w, h};
  }
  for (cv::Mat& f : s.frames) {
    cv::Mat out;
    cv::resize(f(box), out, f.size(), 0, 0, cv::INTER_LINEAR);
    f = out;
  }
  const float sx = static_cast<float>(W) / box.width, sy = static_cast<float>(H) / box.height;
  for (auto& pts : s.landmarks)
    for (cv::Point2f& q : pts) q = {(q.x - box.x + 0.5f) * sx - 0.5f, (q.y - box.y + 0.5f) * sy - 0.5f};
}

}  // namespace dflab
