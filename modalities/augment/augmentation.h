#pragma once
// Augmentation plugins (kind "augmentation") change one training sample: the face crops of one
// clip, or one audio feature matrix. Torch-free: the training engine turns samples into tensors
// after augmenting them.
//
//   auto aug = registry.create<Augmentation>(kind::augmentation, "hflip", params);
//   std::mt19937_64 rng(seed_of(epoch, sample));        // the loader seeds one rng per sample
//   if (aug->applies_to(sample.modality)) aug->apply(sample, partner, rng);
//
// A video sample holds the crops of one clip: one frame for frame models, T frames for sequence
// models. Random parameters are drawn once per call and applied to every frame, so a clip stays
// temporally consistent. Every plugin declares `p`, the probability that it acts on a sample;
// the draw comes from `rng`, so a run is reproducible from its seed whatever the thread count.
//
// Mixing augmentations (cutmix, mixup, paired_mixup) take a partner sample chosen by the loader:
// any other training sample (partner() == PartnerKind::any) or, for a fake, the aligned frames of
// its original video (PartnerKind::original: same frame indices, same crop boxes; a sample without
// one is left alone). They blend targets into soft labels in [0, 1]. Blending augmentations
// (self_blend, face_blend; forges() is true) make a real face fake: target 1. For audio-visual
// units, av_shift forges the same way: the mouths keep their own voice, but from other times.

#include <random>
#include <vector>

#include <opencv2/core.hpp>

#include "registry/registry.h"

namespace dflab {

// av: mouth crops in `frames` and the audio window of the same times in `feature`.
enum class AugmentModality { video, audio, av };

struct AugmentSample {
  AugmentModality modality = AugmentModality::video;
  // video: CV_8UC3 BGR crops of one clip, all the same size, in time order.
  std::vector<cv::Mat> frames;
  // video: landmarks per frame in crop pixels (5 or 68 points, or none); kept in step with frames
  // by geometric augmentations. May be empty.
  std::vector<std::vector<cv::Point2f>> landmarks;
  // video: time of each frame in seconds, in step with frames; empty: consecutive frames of the
  // stream (h264_reencode then takes its source_fps). Lets a frame-rate change know which frames
  // a lower rate would drop: frames sampled far apart are never dropped.
  std::vector<double> timestamps_s;
  // audio: CV_32FC1, rows = feature bins (mel bands), cols = time frames. av: the audio window
  // of the mouths' times, the same layout.
  cv::Mat feature;
  // av, training only: the audio windows of the sampled frames around the unit's middle frame, in
  // time order; audio_context[audio_context_centre] is `feature`'s window. av_shift takes the
  // out-of-sync audio from here. Empty (centre -1) at inference.
  std::vector<cv::Mat> audio_context;
  int audio_context_centre = -1;
  float target = 0.0f;   // 0 real, 1 fake; soft after mixing or label smoothing
  // video, for inspection (`dflab augment`, tests): the mask per frame (CV_32FC1 in [0, 1]) of the
  // last blending augmentation (self_blend, face_blend) that acted, in the frame's pixels when it
  // blended; later geometric augmentations do not move it. Empty otherwise.
  std::vector<cv::Mat> blend_masks;
};

// none: no partner. any: another training sample. original: a fake's original video (aligned
// frames). real: a sample of another real video (label 0, never the sample's own video) — a
// blending augmentation needs a second genuine face.
enum class PartnerKind { none, any, original, real };

class Augmentation : public Plugin {
 public:
  virtual bool applies_to(AugmentModality modality) const = 0;
  virtual PartnerKind partner() const { return PartnerKind::none; }
  // Acts with probability p. `partner` is null unless partner() != none and the loader found one;
  // it has the same modality and shape as `sample`. Throws std::invalid_argument on a sample of
  // the wrong modality or an empty one.
  virtual void apply(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const = 0;

  // Blending augmentations (self_blend, face_blend) turn a real face into a fake one. Training
  // with real_only = true pairs every real sample with a copy that forge() makes fake: it acts
  // always (no p draw), the same checks as apply(). Others throw std::logic_error.
  virtual bool forges() const { return false; }
  virtual void forge(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const;
};

// The `p` parameter every augmentation declares.
ParamSpec probability_param(double def);

void register_augmentation_plugins(Registry& registry);

}  // namespace dflab
