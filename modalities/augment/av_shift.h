#pragma once
// av_shift: makes an audio-visual unit out of sync — the mouths keep their stack, the audio
// window comes from d sampled frames earlier or later in the same video (min_shift <= |d| <=
// max_shift, d drawn uniformly among the shifts the video has), or, with probability other_clip,
// from another real video. The target becomes 1 (fake): trained with real_only = true, an av
// model learns from real videos alone whether voice and mouth belong together, as SyncNet does.
// The shifted windows come from AugmentSample::audio_context (the training source fills it).
// ref: Chung & Zisserman, "Out of time: automated lip sync in the wild", ACCV 2016 workshops
// (false pairs: the same clip's audio shifted by up to +-1 s).
#include "modalities/augment/augmentation.h"

namespace dflab {

class AvShift : public Augmentation {
 public:
  explicit AvShift(const Params& params);
  static PluginInfo info();

  bool applies_to(AugmentModality modality) const override { return modality == AugmentModality::av; }
  PartnerKind partner() const override { return other_clip_ > 0.0 ? PartnerKind::real : PartnerKind::none; }
  void apply(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;
  bool forges() const override { return true; }
  void forge(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

  // The largest shift the training source must offer around a unit (AugmentSample::audio_context).
  static constexpr int kMaxShift = 50;

 private:
  void shift(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const;   // checked sample
  double p_;
  int min_shift_, max_shift_;
  double other_clip_;
};

}  // namespace dflab
