#include "modalities/augment/cutmix.h"

#include <algorithm>
#include <cmath>

namespace dflab {

PluginInfo Cutmix::info() {
  return {kind::augmentation,
          "cutmix",
          "paste a random box of another sample; target mixed by area (needs a partner)",
          {probability_param(0.5),
           ParamSpec::real("alpha", 1.0, "lambda ~ Beta(alpha, alpha); 1 = uniform box area").range(0.01, 100.0)}};
}

Cutmix::Cutmix(const Params& params) : BasicAugmentation("cutmix", params, true, false), alpha_(params.real("alpha")) {}

void Cutmix::augment(AugmentSample& s, const AugmentSample* partner, std::mt19937_64& rng) const {
  if (!partner) return;
  const int W = s.frames.front().cols, H = s.frames.front().rows;
  const double lambda = beta_symmetric(rng, alpha_);
  const double cut = std::sqrt(1.0 - lambda);
  const int cw = static_cast<int>(W * cut), ch = static_cast<int>(H * cut);
  const int cx = static_cast<int>(uniform_int(rng, 0, W - 1)), cy = static_cast<int>(uniform_int(rng, 0, H - 1));
  const int x0 = std::clamp(cx - cw / 2, 0, W), x1 = std::clamp(cx + cw / 2, 0, W);
  const int y0 = std::clamp(cy - ch / 2, 0, H), y1 = std::clamp(cy + ch / 2, 0, H);
  const cv::Rect box(x0, y0, x1 - x0, y1 - y0);
  if (box.area() == 0) return;
  for (std::size_t i = 0; i < s.frames.size(); ++i) {
    cv::Mat out = s.frames[i].clone();
    partner->frames[i](box).copyTo(out(box));
    s.frames[i] = out;
  }
  const double kept = 1.0 - static_cast<double>(box.area()) / (static_cast<double>(W) * H);
  s.target = static_cast<float>(kept * s.target + (1.0 - kept) * partner->target);
}

}  // namespace dflab
