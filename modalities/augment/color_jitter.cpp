#include "modalities/augment/color_jitter.h"

#include <algorithm>
#include <array>

#include <opencv2/imgproc.hpp>

namespace dflab {

PluginInfo ColorJitter::info() {
  return {kind::augmentation,
          "color_jitter",
          "random brightness, contrast, saturation and hue (torchvision ColorJitter)",
          {probability_param(0.5),
           ParamSpec::real("brightness", 0.2, "brightness factor drawn from [1-b, 1+b]").range(0.0, 1.0),
           ParamSpec::real("contrast", 0.2, "contrast factor drawn from [1-c, 1+c]").range(0.0, 1.0),
           ParamSpec::real("saturation", 0.2, "saturation factor drawn from [1-s, 1+s]").range(0.0, 1.0),
           ParamSpec::real("hue", 0.05, "hue shift drawn from [-h, h], fraction of the colour circle").range(0.0, 0.5)}};
}

ColorJitter::ColorJitter(const Params& params)
    : BasicAugmentation("color_jitter", params, true, false),
      brightness_(params.real("brightness")),
      contrast_(params.real("contrast")),
      saturation_(params.real("saturation")),
      hue_(params.real("hue")) {}

namespace {
void clamp255(cv::Mat& f) { cv::min(cv::max(f, 0.0), 255.0, f); }
cv::Mat grey3(const cv::Mat& f) {   // BGR float → its grey level in 3 channels (ITU-R 601 weights, as torchvision)
  cv::Mat g, g3;
  cv::cvtColor(f, g, cv::COLOR_BGR2GRAY);
  cv::cvtColor(g, g3, cv::COLOR_GRAY2BGR);
  return g3;
}
}  // namespace

void ColorJitter::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const double b = uniform(rng, std::max(0.0, 1.0 - brightness_), 1.0 + brightness_);
  const double c = uniform(rng, std::max(0.0, 1.0 - contrast_), 1.0 + contrast_);
  const double sat = uniform(rng, std::max(0.0, 1.0 - saturation_), 1.0 + saturation_);
  const double h = uniform(rng, -hue_, hue_);
  std::array<int, 4> order = {0, 1, 2, 3};
  for (int i = 3; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(uniform_int(rng, 0, i))]);

  for (cv::Mat& frame : s.frames) {
    cv::Mat f;
    frame.convertTo(f, CV_32FC3);
    for (int op : order) {
      if (op == 0 && brightness_ > 0) {
        f *= b;
      } else if (op == 1 && contrast_ > 0) {
        cv::Mat g;
        cv::cvtColor(f, g, cv::COLOR_BGR2GRAY);
        const double m = cv::mean(g)[0];
        f = f * c + cv::Scalar::all((1.0 - c) * m);
      } else if (op == 2 && saturation_ > 0) {
        cv::Mat g3 = grey3(f);
        cv::addWeighted(f, sat, g3, 1.0 - sat, 0.0, f);
      } else if (op == 3 && hue_ > 0) {
        cv::Mat hsv;
        cv::cvtColor(f / 255.0, hsv, cv::COLOR_BGR2HSV);   // float: H in [0, 360)
        std::vector<cv::Mat> ch;
        cv::split(hsv, ch);
        ch[0] += h * 360.0;
        cv::Mat wrap_hi = ch[0] >= 360.0, wrap_lo = ch[0] < 0.0;
        cv::subtract(ch[0], 360.0, ch[0], wrap_hi);
        cv::add(ch[0], 360.0, ch[0], wrap_lo);
        cv::merge(ch, hsv);
        cv::cvtColor(hsv, f, cv::COLOR_HSV2BGR);
        f *= 255.0;
      } else {
        continue;
      }
      clamp255(f);
    }
    cv::Mat out;
    f.convertTo(out, CV_8UC3);   // rounds and saturates
    frame = out;
  }
}

}  // namespace dflab
