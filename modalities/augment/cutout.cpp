#include "modalities/augment/cutout.h"

#include <algorithm>
#include <cmath>

namespace dflab {

PluginInfo Cutout::info() {
  return {kind::augmentation,
          "cutout",
          "random erasing: fill random boxes (same boxes on every frame)",
          {probability_param(0.5),
           ParamSpec::integer("count", 1, "number of boxes").range(1, 16),
           ParamSpec::reals("scale", {0.02, 0.2}, "[lo, hi] area of one box as a fraction of the frame").range(0.0, 1.0),
           ParamSpec::reals("ratio", {0.3, 3.3}, "[lo, hi] aspect ratio w/h of a box").range(0.05, 20.0),
           ParamSpec::string("fill", "zero", "what the boxes are filled with").one_of({"zero", "mean", "noise"})}};
}

Cutout::Cutout(const Params& params)
    : BasicAugmentation("cutout", params, true, false),
      count_(params.integer("count")),
      scale_(range_param(params, "cutout", "scale")),
      ratio_(range_param(params, "cutout", "ratio")),
      fill_(params.string("fill")) {}

void Cutout::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const int W = s.frames.front().cols, H = s.frames.front().rows;
  std::vector<cv::Rect> boxes;
  for (std::int64_t i = 0; i < count_; ++i) {
    const double area = uniform(rng, scale_.first, scale_.second) * W * H;
    const double r = std::exp(uniform(rng, std::log(ratio_.first), std::log(ratio_.second)));
    const int w = std::clamp(static_cast<int>(std::lround(std::sqrt(area * r))), 0, W);
    const int h = std::clamp(static_cast<int>(std::lround(std::sqrt(area / r))), 0, H);
    const int x = static_cast<int>(uniform_int(rng, 0, W - w));
    const int y = static_cast<int>(uniform_int(rng, 0, H - h));
    boxes.emplace_back(x, y, w, h);
  }
  cv::Mat noise;
  if (fill_ == "noise") {
    noise.create(H, W, CV_8UC3);
    cv::RNG(rng()).fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(256));
  }
  for (cv::Mat& f : s.frames) {
    cv::Mat out = f.clone();
    const cv::Scalar mean = fill_ == "mean" ? cv::mean(f) : cv::Scalar::all(0);
    for (const cv::Rect& b : boxes) {
      if (b.area() == 0) continue;
      if (fill_ == "noise")
        noise(b).copyTo(out(b));
      else
        out(b).setTo(mean);
    }
    f = out;
  }
}

}  // namespace dflab
