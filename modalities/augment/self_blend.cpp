#include "modalities/augment/self_blend.h"

#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace dflab {

PluginInfo SelfBlend::info() {
  return {kind::augmentation,
          "self_blend",
          "self-blended image (SBI, CVPR 2022): a transformed copy of the face blended into itself through a "
          "deformed landmark-hull mask; target becomes 1",
          {probability_param(0.5),
           ParamSpec::reals("blend_ratios", {0.25, 0.5, 0.75, 1.0, 1.0, 1.0},
                            "mask peak, one drawn uniformly per clip (repeats weight a value)")
               .range(0.01, 1.0),
           ParamSpec::reals("scale", {0.95, 1.0 / 0.95}, "[lo, hi] scale of the source about the crop centre")
               .range(0.5, 2.0),
           ParamSpec::real("translate_x", 0.03, "source shift drawn from [-t, t] x crop width").range(0.0, 0.5),
           ParamSpec::real("translate_y", 0.015, "source shift drawn from [-t, t] x crop height").range(0.0, 0.5),
           ParamSpec::real("elastic_alpha", 50.0, "elastic deformation of the mask; 0 = off")
               .range(0.0, 1000.0)
               .with_unit("px"),
           ParamSpec::real("elastic_sigma", 7.0, "smoothing of the elastic field").range(0.5, 100.0).with_unit("px"),
           ParamSpec::real("rgb_shift", 20.0, "per-channel shift drawn from [-s, s] (applied with probability 0.3)")
               .range(0.0, 255.0),
           ParamSpec::reals("hsv_shift", {0.3, 0.3, 0.3},
                            "hue, saturation, value shift limits in 8-bit HSV units (hue 0-180, s and v 0-255)")
               .range(0.0, 180.0),
           ParamSpec::real("brightness", 0.1, "brightness shift drawn from [-b, b] x 255").range(0.0, 1.0),
           ParamSpec::real("contrast", 0.1, "contrast factor drawn from [1-c, 1+c]").range(0.0, 1.0)}};
}

SelfBlend::SelfBlend(const Params& params)
    : BasicAugmentation("self_blend", params, true, false),
      rgb_shift_(params.real("rgb_shift")),
      brightness_(params.real("brightness")),
      contrast_(params.real("contrast")),
      hsv_shift_(params.reals("hsv_shift")),
      scale_(range_param(params, "self_blend", "scale")),
      translate_x_(params.real("translate_x")),
      translate_y_(params.real("translate_y")) {
  const std::string where = params.origin.empty() ? "self_blend" : params.origin + ": self_blend";
  mask_.ratios = params.reals("blend_ratios");
  if (mask_.ratios.empty()) throw std::invalid_argument(where + ": blend_ratios needs at least one value");
  if (hsv_shift_.size() != 3) throw std::invalid_argument(where + ": hsv_shift must be [hue, saturation, value]");
  mask_.elastic_alpha = params.real("elastic_alpha");
  mask_.elastic_sigma = params.real("elastic_sigma");
}

namespace {

// The source transform of one clip (sbi.py get_source_transforms + randaffine), drawn once.
struct SourceDraw {
  bool rgb = false;
  double shift[3] = {0, 0, 0};
  double hsv[3] = {0, 0, 0};
  double contrast = 1.0, brightness = 0.0;
  bool downscale = false;
  int factor = 2;
  double sharpen_alpha = 0.0, lightness = 1.0;
  double scale = 1.0, tx = 0.0, ty = 0.0;   // tx, ty: fractions of W, H
};

cv::Mat source_of(const cv::Mat& frame, const SourceDraw& d) {
  cv::Mat s = frame.clone();
  if (d.rgb) s += cv::Scalar(d.shift[0], d.shift[1], d.shift[2]);   // saturates
  if (d.hsv[0] != 0 || d.hsv[1] != 0 || d.hsv[2] != 0) {
    cv::Mat f, hsv;
    s.convertTo(f, CV_32FC3, 1.0 / 255.0);
    cv::cvtColor(f, hsv, cv::COLOR_BGR2HSV);   // float: H in [0, 360), S and V in [0, 1]
    std::vector<cv::Mat> ch;
    cv::split(hsv, ch);
    ch[0] += d.hsv[0] * 2.0;                   // 8-bit hue units are 2 degrees
    cv::Mat hi = ch[0] >= 360.0, lo = ch[0] < 0.0;
    cv::subtract(ch[0], 360.0, ch[0], hi);
    cv::add(ch[0], 360.0, ch[0], lo);
    ch[1] += d.hsv[1] / 255.0;
    ch[2] += d.hsv[2] / 255.0;
    cv::min(cv::max(ch[1], 0.0), 1.0, ch[1]);
    cv::min(cv::max(ch[2], 0.0), 1.0, ch[2]);
    cv::merge(ch, hsv);
    cv::cvtColor(hsv, f, cv::COLOR_HSV2BGR);
    f.convertTo(s, CV_8UC3, 255.0);
  }
  s.convertTo(s, CV_8UC3, d.contrast, d.brightness * 255.0);   // albumentations brightness_by_max
  if (d.downscale) {
    // funcs.py RandomDownScale: nearest down by 2 or 4, linear back up.
    cv::Mat small, up;
    cv::resize(s, small, cv::Size(std::max(1, s.cols / d.factor), std::max(1, s.rows / d.factor)), 0, 0,
               cv::INTER_NEAREST);
    cv::resize(small, up, s.size(), 0, 0, cv::INTER_LINEAR);
    s = up;
  } else {
    // albumentations Sharpen: (1 - a)·identity + a·[[-1 -1 -1] [-1 8+l -1] [-1 -1 -1]].
    const float a = static_cast<float>(d.sharpen_alpha), l = static_cast<float>(d.lightness);
    cv::Mat k = (cv::Mat_<float>(3, 3) << -a, -a, -a, -a, (1 - a) + a * (8 + l), -a, -a, -a, -a);
    cv::Mat sharp;
    cv::filter2D(s, sharp, CV_8U, k);
    s = sharp;
  }
  return s;
}

// Scale about the crop centre, then shift: the randaffine of sbi.py.
cv::Mat source_affine(cv::Size size, const SourceDraw& d) {
  const double cx = 0.5 * (size.width - 1), cy = 0.5 * (size.height - 1);
  return (cv::Mat_<double>(2, 3) << d.scale, 0.0, (1.0 - d.scale) * cx + d.tx * size.width, 0.0, d.scale,
          (1.0 - d.scale) * cy + d.ty * size.height);
}

}  // namespace

void SelfBlend::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  SourceDraw d;
  d.rgb = uniform01(rng) < 0.3;
  for (double& v : d.shift) v = uniform(rng, -rgb_shift_, rgb_shift_);
  for (int c = 0; c < 3; ++c) d.hsv[c] = uniform(rng, -hsv_shift_[static_cast<std::size_t>(c)], hsv_shift_[static_cast<std::size_t>(c)]);
  d.contrast = 1.0 + uniform(rng, -contrast_, contrast_);
  d.brightness = uniform(rng, -brightness_, brightness_);
  d.downscale = uniform01(rng) < 0.5;
  d.factor = uniform01(rng) < 0.5 ? 2 : 4;
  d.sharpen_alpha = uniform(rng, 0.2, 0.5);
  d.lightness = uniform(rng, 0.5, 1.0);
  d.scale = uniform(rng, scale_.first, scale_.second);
  d.tx = uniform(rng, -translate_x_, translate_x_);
  d.ty = uniform(rng, -translate_y_, translate_y_);
  const BlendMaskDraw md = draw_blend_mask(rng, mask_);

  static const std::vector<cv::Point2f> kNone;
  const cv::Mat affine = source_affine(s.frames.front().size(), d);
  s.blend_masks.clear();
  for (std::size_t i = 0; i < s.frames.size(); ++i) {
    const cv::Mat& target = s.frames[i];
    cv::Mat source, region;
    // The border of the moved source is mirrored, not black: the blurred mask may reach it.
    cv::warpAffine(source_of(target, d), source, affine, target.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
    cv::warpAffine(face_region(s.landmarks.empty() ? kNone : s.landmarks[i], target.size()), region, affine,
                   target.size(), cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::Mat mask = soft_blend_mask(region, md);
    s.frames[i] = blend_through(source, target, mask);
    s.blend_masks.push_back(std::move(mask));
  }
  s.target = 1.0f;
}

}  // namespace dflab
