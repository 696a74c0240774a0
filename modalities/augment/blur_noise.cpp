#include "modalities/augment/blur_noise.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace dflab {

PluginInfo GaussianBlur::info() {
  return {kind::augmentation,
          "gaussian_blur",
          "Gaussian blur with a random sigma",
          {probability_param(0.3),
           ParamSpec::reals("sigma", {0.3, 1.5}, "[lo, hi] blur sigma").range(0.0, 20.0).with_unit("px")}};
}

GaussianBlur::GaussianBlur(const Params& params)
    : BasicAugmentation("gaussian_blur", params, true, false), sigma_(range_param(params, "gaussian_blur", "sigma")) {}

void GaussianBlur::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const double sigma = uniform(rng, sigma_.first, sigma_.second);
  if (sigma <= 0.0) return;
  const int k = 2 * static_cast<int>(std::ceil(3.0 * sigma)) + 1;
  for (cv::Mat& f : s.frames) {
    cv::Mat out;
    cv::GaussianBlur(f, out, cv::Size(k, k), sigma, sigma, cv::BORDER_REFLECT_101);
    f = out;
  }
}

PluginInfo GaussianNoise::info() {
  return {kind::augmentation,
          "gaussian_noise",
          "additive zero-mean Gaussian pixel noise with a random sigma",
          {probability_param(0.3),
           ParamSpec::reals("sigma", {2.0, 10.0}, "[lo, hi] noise standard deviation").range(0.0, 128.0).with_unit(
               "grey levels")}};
}

GaussianNoise::GaussianNoise(const Params& params)
    : BasicAugmentation("gaussian_noise", params, true, false), sigma_(range_param(params, "gaussian_noise", "sigma")) {}

void GaussianNoise::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const double sigma = uniform(rng, sigma_.first, sigma_.second);
  cv::RNG field_rng(rng());   // OpenCV's generator for the field: fast, and seeded from ours
  cv::Mat noise(s.frames.front().size(), CV_32FC3);
  field_rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0.0), cv::Scalar::all(sigma));
  for (cv::Mat& f : s.frames) {
    cv::Mat x;
    f.convertTo(x, CV_32FC3);
    x += noise;
    cv::Mat out;
    x.convertTo(out, CV_8UC3);
    f = out;
  }
}

}  // namespace dflab
