#include "experiments/training/av_sample_source.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "modalities/augment/av_shift.h"

namespace dflab {

namespace {
cv::Mat to_mat(const FeatureMatrix& a) {
  cv::Mat m(a.n_rows, a.n_cols, CV_32FC1);
  std::copy(a.data.begin(), a.data.end(), m.ptr<float>());
  return m;
}
}  // namespace

AvSampleEntry av_sample_entry(SourceVideo video, const AvCache& cache, const std::string& video_path,
                              const std::string& params) {
  AvSampleEntry e;
  e.video = std::move(video);
  e.video_path = video_path;
  const std::optional<AvClip> clip = cache.load(video_path, params, /*samples=*/false);
  if (!clip) {
    e.missing_reason = "no audio-visual samples cached for " + video_path + " (run dflab extract)";
  } else if (clip->status != AvStatus::ok && clip->status != AvStatus::no_face) {
    e.missing_reason = std::string("av ") + to_string(clip->status) + (clip->message.empty() ? "" : ": " + clip->message);
  } else if (clip->timestamps_s.empty()) {
    e.missing_reason = std::string("av ") + to_string(clip->status) + ": no sampled frame";
  } else {
    e.n_frames = clip->timestamps_s.size();
  }
  return e;
}

AvSampleSource::AvSampleSource(std::vector<AvSampleEntry> entries, const AvCache& cache, std::string params, int stack,
                               int mouth_height, int mouth_width, int audio_bins, int audio_frames,
                               std::optional<InputNormalisation> normalisation)
    : entries_(std::move(entries)), cache_(cache), params_(std::move(params)), stack_(stack),
      mouth_height_(mouth_height), mouth_width_(mouth_width), audio_bins_(audio_bins), audio_frames_(audio_frames) {
  if (stack <= 0 || mouth_height <= 0 || mouth_width <= 0 || audio_bins <= 0 || audio_frames <= 0)
    throw std::invalid_argument("AvSampleSource: stack and shapes must be positive");
  double sum = 0, sum2 = 0, count = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].n_frames == 0) continue;
    const AvClip c = read(i);
    const cv::Mat& m = c.mouths.front();
    const FeatureMatrix& a = c.audio.front();
    if (m.rows != mouth_height_ || m.cols != mouth_width_ || a.n_rows != audio_bins_ || a.n_cols != audio_frames_)
      throw std::invalid_argument(entries_[i].video.id + ": cached mouths " + std::to_string(m.cols) + "x" +
                                  std::to_string(m.rows) + " and audio windows " + a.shape_text() +
                                  ", but the model takes mouths " + std::to_string(mouth_width_) + "x" +
                                  std::to_string(mouth_height_) + " and audio " + std::to_string(audio_bins_) + "x" +
                                  std::to_string(audio_frames_) + " (set the model's parameters to [av]'s)");
    if (normalisation) continue;
    for (const FeatureMatrix& w : c.audio)
      for (float v : w.data) sum += v, sum2 += static_cast<double>(v) * v, ++count;
  }
  if (normalisation) {
    norm_ = *normalisation;
    if (norm_.mean.size() != 4 || norm_.std.size() != 4)
      throw std::invalid_argument("AvSampleSource: the normalisation needs RGB then audio mean and std (4 each)");
    return;
  }
  const double mean = count > 0 ? sum / count : 0.0;
  const double sd = count > 1 ? std::sqrt(std::max(0.0, sum2 / count - mean * mean)) : 1.0;
  norm_.mean = {0.485f, 0.456f, 0.406f, static_cast<float>(mean)};
  norm_.std = {0.229f, 0.224f, 0.225f, static_cast<float>(sd > 1e-8 ? sd : 1.0)};
}

AvClip AvSampleSource::read(std::size_t i) const {
  const AvSampleEntry& e = entries_.at(i);
  std::optional<AvClip> c = cache_.load(e.video_path, params_);
  if (!c || c->mouths.size() != e.n_frames)
    throw std::runtime_error(e.video_path + ": audio-visual cache entry is missing or changed since it was indexed");
  return std::move(*c);
}

std::size_t AvSampleSource::units(std::size_t i) const {
  const std::size_t n = entries_.at(i).n_frames, t = static_cast<std::size_t>(stack_);
  return (n + t - 1) / t;
}

AugmentSample AvSampleSource::load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const {
  const AvSampleEntry& e = entries_.at(i);
  if (u >= units(i)) throw std::out_of_range("AvSampleSource: unit " + std::to_string(u) + " of " + e.video.id);
  const std::size_t n = e.n_frames, t = static_cast<std::size_t>(stack_);
  std::size_t start = u * t;
  if (jitter && n > t) start = std::uniform_int_distribution<std::size_t>(0, n - t)(*jitter);
  if (start + t > n) start = n > t ? n - t : 0;   // ends on the last frame; repeats it when n < T
  const AvClip c = read(i);
  AugmentSample s;
  s.modality = AugmentModality::av;
  s.target = static_cast<float>(e.video.label.value_or(0));
  for (std::size_t k = 0; k < t; ++k) {
    const std::size_t f = std::min(start + k, n - 1);
    s.frames.push_back(c.mouths[f]);
    s.timestamps_s.push_back(c.timestamps_s[f]);
  }
  // The audio of the stack's middle frame: the window centred on the middle of the stack.
  const std::size_t mid = std::min(start + t / 2, n - 1);
  s.feature = to_mat(c.audio[mid]);
  if (jitter) {
    // Training: the windows of the frames around it too, for av_shift's out-of-sync pairs.
    const std::size_t r = static_cast<std::size_t>(AvShift::kMaxShift);
    const std::size_t lo = mid > r ? mid - r : 0, hi = std::min(n - 1, mid + r);
    for (std::size_t f = lo; f <= hi; ++f) s.audio_context.push_back(f == mid ? s.feature : to_mat(c.audio[f]));
    s.audio_context_centre = static_cast<int>(mid - lo);
  }
  return s;
}

}  // namespace dflab
