#pragma once
// Audio features from the feature cache as units: windows of the model's width (time frames)
// over each video's feature matrix. Training draws a random window position; inference walks the
// windows left to right, the last one ending on the last frame.
//
//   AudioFeatureSource train(entries, cache, /*height=*/64, /*width=*/128);       // stats from train
//   AudioFeatureSource val(val_entries, cache, 64, 128, train.normalisation());   // same stats
//
// Normalisation: one mean and standard deviation over every value of the training features
// (global, not per sample, so level differences between real and fake tracks stay visible; for
// the raw waveform this is one scale for every sample, its mean ~0).
// Silence (a track that is absent, the padding of a clip shorter than the window) is the
// feature's own silence() when it has one (waveform: 0), else the training features' minimum.

#include <optional>
#include <string>
#include <vector>

#include "experiments/training/sample_source.h"
#include "modalities/audio/feature_cache.h"

namespace dflab {

struct AudioFeatureEntry {
  SourceVideo video;
  std::string cache_key;        // FeatureCache::key(...); empty: no feature
  bool silent = false;          // no audio track, [audio] no_audio = "silence": one silent window
  std::string missing_reason;   // why there is no feature (when cache_key is empty and !silent)
};

class AudioFeatureSource : public SampleSource {
 public:
  // Reads every feature once to check its height (must equal `height`: the model's mel bands)
  // and learn its width; without `normalisation` also computes the statistics. A feature that
  // cannot be read becomes a missing entry. Throws std::invalid_argument naming the video when a
  // feature's height differs from the model's. `silence`: AudioFeature::silence() of the feature,
  // used when the statistics are computed here (a given `normalisation` carries its own).
  AudioFeatureSource(std::vector<AudioFeatureEntry> entries, const FeatureCache& cache, int height, int width,
                     std::optional<InputNormalisation> normalisation = std::nullopt,
                     std::optional<float> silence = std::nullopt);

  AugmentModality modality() const override { return AugmentModality::audio; }
  std::size_t size() const override { return entries_.size(); }
  const SourceVideo& video(std::size_t i) const override { return entries_.at(i).video; }
  std::size_t units(std::size_t i) const override;
  AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const override;
  InputNormalisation normalisation() const override { return norm_; }
  std::string missing_reason(std::size_t i) const override { return entries_.at(i).missing_reason; }

 private:
  std::vector<AudioFeatureEntry> entries_;
  std::vector<int> n_cols_;
  const FeatureCache& cache_;
  int height_, width_;
  InputNormalisation norm_;
};

}  // namespace dflab
