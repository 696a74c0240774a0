#include "modalities/augment/audio_level.h"

#include <cmath>

namespace dflab {

PluginInfo AudioGain::info() {
  return {kind::augmentation,
          "audio_gain",
          "random gain on a dB feature (adds g dB to every cell)",
          {probability_param(0.5),
           ParamSpec::reals("gain_db", {-6.0, 6.0}, "[lo, hi] gain").range(-60.0, 60.0).with_unit("dB")}};
}

AudioGain::AudioGain(const Params& params)
    : BasicAugmentation("audio_gain", params, false, true), gain_db_(range_param(params, "audio_gain", "gain_db")) {}

void AudioGain::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const double g = uniform(rng, gain_db_.first, gain_db_.second);
  cv::Mat out;
  cv::add(s.feature, cv::Scalar(g), out);
  s.feature = out;
}

PluginInfo AudioNoise::info() {
  return {kind::augmentation,
          "audio_noise",
          "additive noise on a dB feature: white noise in the power domain at a random SNR, or feature jitter",
          {probability_param(0.5),
           ParamSpec::string("mode", "power", "power: white noise added to the power spectrum; feature: Gaussian "
                                              "jitter of the dB values")
               .one_of({"power", "feature"}),
           ParamSpec::reals("snr_db", {10.0, 40.0}, "[lo, hi] peak-to-noise-floor ratio (mode power)")
               .range(-20.0, 120.0)
               .with_unit("dB"),
           ParamSpec::reals("sigma_db", {0.5, 3.0}, "[lo, hi] jitter standard deviation (mode feature)")
               .range(0.0, 40.0)
               .with_unit("dB")}};
}

AudioNoise::AudioNoise(const Params& params)
    : BasicAugmentation("audio_noise", params, false, true),
      mode_(params.string("mode")),
      snr_db_(range_param(params, "audio_noise", "snr_db")),
      sigma_db_(range_param(params, "audio_noise", "sigma_db")) {}

void AudioNoise::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  cv::Mat out(s.feature.size(), CV_32FC1);
  if (mode_ == "power") {
    double peak = 0.0;
    cv::minMaxLoc(s.feature, nullptr, &peak);
    const double floor_power = std::pow(10.0, (peak - uniform(rng, snr_db_.first, snr_db_.second)) / 10.0);
    for (int r = 0; r < s.feature.rows; ++r) {
      const float* x = s.feature.ptr<float>(r);
      float* y = out.ptr<float>(r);
      for (int c = 0; c < s.feature.cols; ++c) {
        const double e = -std::log(1.0 - uniform01(rng));   // Exp(1)
        y[c] = static_cast<float>(10.0 * std::log10(std::pow(10.0, x[c] / 10.0) + floor_power * e));
      }
    }
  } else {
    const double sigma = uniform(rng, sigma_db_.first, sigma_db_.second);
    for (int r = 0; r < s.feature.rows; ++r) {
      const float* x = s.feature.ptr<float>(r);
      float* y = out.ptr<float>(r);
      for (int c = 0; c < s.feature.cols; ++c) y[c] = static_cast<float>(x[c] + sigma * standard_normal(rng));
    }
  }
  s.feature = out;
}

}  // namespace dflab
