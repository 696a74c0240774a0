#pragma once
// Audio-visual samples from the av cache (modalities/av/av_cache.h) as units for "av" models: a
// stack of T consecutive sampled frames' mouth crops and the audio window of the stack's middle
// frame, so both streams of a unit cover the same times. Units are consecutive stacks (the last
// one ends on the last frame); training draws a random start instead, and its units also carry the
// audio windows of the frames up to AvShift::kMaxShift either side (AugmentSample::audio_context),
// from which av_shift makes the out-of-sync copies. A unit loads its video's cache entry (one
// video's mouths, a few hundred kB), never a dataset's.
//
//   AvSampleSource train(entries, cache, params, /*stack=*/5, /*mouth h, w=*/48, 96, /*audio F, W=*/13, 21);
//   AvSampleSource val(val_entries, cache, params, 5, 48, 96, 13, 21, train.normalisation());
//
// Normalisation: mean/std hold the mouths' R, G, B (ImageNet values) then one global mean and
// standard deviation of the training audio windows (as audio_feature_source.h).

#include <optional>
#include <string>
#include <vector>

#include "experiments/training/sample_source.h"
#include "modalities/av/av_cache.h"

namespace dflab {

struct AvSampleEntry {
  SourceVideo video;
  std::string video_path;       // the cache's key part
  std::size_t n_frames = 0;     // sampled frames with a mouth and an audio window; 0: none
  std::string missing_reason;   // why n_frames is 0
};

// Reads the entry's index (no pixels): a missing entry, or one whose status has no samples
// (no_audio, failed), gives n_frames = 0 and the reason naming the status and message.
AvSampleEntry av_sample_entry(SourceVideo video, const AvCache& cache, const std::string& video_path,
                              const std::string& params);

class AvSampleSource : public SampleSource {
 public:
  // Checks every usable entry's mouth and audio shapes against the model's (a mismatch throws
  // std::invalid_argument naming the video and both shapes); without `normalisation` computes the
  // audio statistics over the entries.
  AvSampleSource(std::vector<AvSampleEntry> entries, const AvCache& cache, std::string params, int stack,
                 int mouth_height, int mouth_width, int audio_bins, int audio_frames,
                 std::optional<InputNormalisation> normalisation = std::nullopt);

  AugmentModality modality() const override { return AugmentModality::av; }
  std::size_t size() const override { return entries_.size(); }
  const SourceVideo& video(std::size_t i) const override { return entries_.at(i).video; }
  std::size_t units(std::size_t i) const override;
  AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const override;
  InputNormalisation normalisation() const override { return norm_; }
  std::string missing_reason(std::size_t i) const override { return entries_.at(i).missing_reason; }

 private:
  AvClip read(std::size_t i) const;

  std::vector<AvSampleEntry> entries_;
  const AvCache& cache_;
  std::string params_;
  int stack_, mouth_height_, mouth_width_, audio_bins_, audio_frames_;
  InputNormalisation norm_;
};

}  // namespace dflab
