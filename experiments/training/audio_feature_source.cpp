#include "experiments/training/audio_feature_source.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dflab {

AudioFeatureSource::AudioFeatureSource(std::vector<AudioFeatureEntry> entries, const FeatureCache& cache, int height,
                                       int width, std::optional<InputNormalisation> normalisation,
                                       std::optional<float> silence)
    : entries_(std::move(entries)), n_cols_(entries_.size(), 0), cache_(cache), height_(height), width_(width) {
  if (height <= 0 || width <= 0) throw std::invalid_argument("AudioFeatureSource: height and width must be positive");
  // Welford over every value: stable for millions of dB values.
  double mean = 0.0, m2 = 0.0, n = 0.0;
  float floor = std::numeric_limits<float>::infinity();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    AudioFeatureEntry& e = entries_[i];
    if (e.cache_key.empty()) continue;
    std::optional<FeatureMatrix> f = cache_.load(e.cache_key);
    if (!f || f->empty()) {
      e.cache_key.clear();
      e.missing_reason = "audio feature cache entry missing or damaged";
      continue;
    }
    if (f->n_rows != height_)
      throw std::invalid_argument(e.video.id + ": the audio feature has " + std::to_string(f->n_rows) +
                                  " rows but the model expects " + std::to_string(height_) +
                                  " (set the model's n_mels to the feature's n_mels)");
    n_cols_[i] = f->n_cols;
    if (!normalisation) {
      for (float v : f->data) {
        n += 1.0;
        const double d = v - mean;
        mean += d / n;
        m2 += d * (v - mean);
        floor = std::min(floor, v);
      }
    }
  }
  if (normalisation) {
    norm_ = *normalisation;
  } else {
    const double sd = n > 1 ? std::sqrt(m2 / n) : 1.0;
    norm_.mean = {static_cast<float>(mean)};
    norm_.std = {static_cast<float>(sd > 1e-6 ? sd : 1.0)};
    norm_.silence = silence ? *silence : std::isfinite(floor) ? floor : 0.0f;
  }
}

std::size_t AudioFeatureSource::units(std::size_t i) const {
  const AudioFeatureEntry& e = entries_.at(i);
  if (e.silent) return 1;
  if (e.cache_key.empty()) return 0;
  const auto cols = static_cast<std::size_t>(n_cols_[i]);
  const auto w = static_cast<std::size_t>(width_);
  return std::max<std::size_t>(1, (cols + w - 1) / w);
}

AugmentSample AudioFeatureSource::load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const {
  const AudioFeatureEntry& e = entries_.at(i);
  if (u >= units(i)) throw std::out_of_range("AudioFeatureSource: unit " + std::to_string(u) + " of " + e.video.id);
  AugmentSample s;
  s.modality = AugmentModality::audio;
  s.target = e.video.label.value_or(0);
  s.feature = cv::Mat(height_, width_, CV_32FC1, cv::Scalar(norm_.silence));
  if (e.silent) return s;
  std::optional<FeatureMatrix> f = cache_.load(e.cache_key);
  if (!f) throw std::runtime_error(e.video.id + ": audio feature cache entry " + cache_.entry_path(e.cache_key) +
                                   " disappeared or is damaged");
  const int cols = f->n_cols;
  int start = static_cast<int>(u) * width_;
  if (jitter && cols > width_) start = std::uniform_int_distribution<int>(0, cols - width_)(*jitter);
  if (start + width_ > cols) start = std::max(0, cols - width_);   // the last window ends on the last frame
  const int take = std::min(width_, cols - start);
  for (int r = 0; r < height_; ++r) std::copy_n(f->row(r) + start, take, s.feature.ptr<float>(r));
  return s;
}

}  // namespace dflab
