#include "modalities/augment/mixup.h"

namespace dflab {

void blend_samples(AugmentSample& s, const AugmentSample& partner, double lambda) {
  if (s.modality == AugmentModality::video) {
    for (std::size_t i = 0; i < s.frames.size(); ++i) {
      cv::Mat out;
      cv::addWeighted(s.frames[i], lambda, partner.frames[i], 1.0 - lambda, 0.0, out);
      s.frames[i] = out;
    }
  } else {
    cv::Mat out;
    cv::addWeighted(s.feature, lambda, partner.feature, 1.0 - lambda, 0.0, out);
    s.feature = out;
  }
  s.target = static_cast<float>(lambda * s.target + (1.0 - lambda) * partner.target);
}

PluginInfo Mixup::info() {
  return {kind::augmentation,
          "mixup",
          "blend with another sample, lambda ~ Beta(alpha, alpha); soft target (needs a partner)",
          {probability_param(0.5),
           ParamSpec::real("alpha", 0.4, "lambda ~ Beta(alpha, alpha)").range(0.01, 100.0)}};
}

Mixup::Mixup(const Params& params) : BasicAugmentation("mixup", params, true, true), alpha_(params.real("alpha")) {}

void Mixup::augment(AugmentSample& s, const AugmentSample* partner, std::mt19937_64& rng) const {
  if (!partner) return;
  blend_samples(s, *partner, beta_symmetric(rng, alpha_));
}

PluginInfo PairedMixup::info() {
  return {kind::augmentation,
          "paired_mixup",
          "blend a fake with its aligned original frames, lambda ~ Beta(0.5, 0.5); soft target",
          {probability_param(0.5),
           ParamSpec::real("alpha", 0.5, "lambda ~ Beta(alpha, alpha)").range(0.01, 100.0)}};
}

PairedMixup::PairedMixup(const Params& params)
    : BasicAugmentation("paired_mixup", params, true, false), alpha_(params.real("alpha")) {}

void PairedMixup::augment(AugmentSample& s, const AugmentSample* partner, std::mt19937_64& rng) const {
  if (!partner) return;
  blend_samples(s, *partner, beta_symmetric(rng, alpha_));
}

}  // namespace dflab
