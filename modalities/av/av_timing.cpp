#include "modalities/av/av_timing.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dflab {

std::int64_t audio_sample_at(const AvTiming& timing, double frame_timestamp_s) {
  if (timing.sample_rate <= 0) throw std::invalid_argument("audio_sample_at: sample rate must be > 0");
  const double t = timing.video_start_s + frame_timestamp_s - timing.audio_start_s;
  return static_cast<std::int64_t>(std::llround(t * timing.sample_rate));
}

std::int64_t audio_window_start(const AvTiming& timing, double frame_timestamp_s, std::int64_t window_samples) {
  return audio_sample_at(timing, frame_timestamp_s) - window_samples / 2;
}

std::vector<float> audio_window(const std::vector<float>& samples, std::int64_t first, std::int64_t n) {
  if (n < 0) throw std::invalid_argument("audio_window: negative length");
  std::vector<float> out(static_cast<std::size_t>(n), 0.0f);
  const auto size = static_cast<std::int64_t>(samples.size());
  const std::int64_t from = std::clamp<std::int64_t>(first, 0, size), to = std::clamp<std::int64_t>(first + n, 0, size);
  if (to > from) std::copy(samples.begin() + from, samples.begin() + to, out.begin() + (from - first));
  return out;
}

double window_coverage(std::int64_t first, std::int64_t n, std::size_t n_samples) {
  if (n <= 0) return 0.0;
  const auto size = static_cast<std::int64_t>(n_samples);
  const std::int64_t inside = std::max<std::int64_t>(0, std::min(first + n, size) - std::max<std::int64_t>(first, 0));
  return static_cast<double>(inside) / static_cast<double>(n);
}

}  // namespace dflab
