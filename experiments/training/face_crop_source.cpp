#include "experiments/training/face_crop_source.h"

#include <algorithm>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace dflab {

FaceCropEntry face_crop_entry(SourceVideo video, const FaceCache& cache, const std::string& video_path,
                              const std::string& face_params) {
  FaceCropEntry e;
  e.video = std::move(video);
  std::optional<FaceCache::Index> index = cache.index(video_path, face_params);
  if (!index) {
    e.missing_reason = "no face cache entry (the video was not preprocessed or its file changed)";
    return e;
  }
  e.crop_files = std::move(index->crop_files);
  e.landmarks = std::move(index->clip.landmarks);
  e.landmarks.resize(e.crop_files.size());
  // Times let h264_reencode tell crops sampled far apart from consecutive frames.
  e.timestamps_s = std::move(index->clip.timestamps_s);
  if (e.timestamps_s.size() != e.crop_files.size()) e.timestamps_s.clear();
  if (e.crop_files.empty()) {
    e.missing_reason = to_string(index->clip.status);
    if (!index->clip.message.empty()) e.missing_reason += ": " + index->clip.message;
  }
  return e;
}

FaceCropSource::FaceCropSource(std::vector<FaceCropEntry> entries, int height, int width, int frames_per_unit)
    : entries_(std::move(entries)), height_(height), width_(width), frames_per_unit_(frames_per_unit) {
  if (height <= 0 || width <= 0 || frames_per_unit <= 0)
    throw std::invalid_argument("FaceCropSource: height, width and frames_per_unit must be positive");
}

std::size_t FaceCropSource::units(std::size_t i) const {
  const std::size_t n = entries_.at(i).crop_files.size();
  const auto t = static_cast<std::size_t>(frames_per_unit_);
  return (n + t - 1) / t;
}

AugmentSample FaceCropSource::load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const {
  const FaceCropEntry& e = entries_.at(i);
  const std::size_t n = e.crop_files.size();
  if (u >= units(i)) throw std::out_of_range("FaceCropSource: unit " + std::to_string(u) + " of " + e.video.id);
  const auto t = static_cast<std::size_t>(frames_per_unit_);
  std::size_t start = u * t;
  if (jitter && n > t) start = std::uniform_int_distribution<std::size_t>(0, n - t)(*jitter);
  // A clip running past the last crop ends on the last crop, or repeats it when the video has
  // fewer crops than T.
  if (start + t > n) start = n > t ? n - t : 0;

  AugmentSample s;
  s.modality = AugmentModality::video;
  s.target = e.video.label.value_or(0);
  for (std::size_t k = 0; k < t; ++k) {
    const std::size_t c = std::min(start + k, n - 1);
    cv::Mat crop = cv::imread(e.crop_files[c], cv::IMREAD_COLOR);
    if (crop.empty()) throw std::runtime_error(e.crop_files[c] + ": cannot read cached face crop of " + e.video.id);
    std::vector<cv::Point2f> pts = c < e.landmarks.size() ? e.landmarks[c] : std::vector<cv::Point2f>{};
    if (crop.cols != width_ || crop.rows != height_) {
      const float sx = static_cast<float>(width_) / static_cast<float>(crop.cols);
      const float sy = static_cast<float>(height_) / static_cast<float>(crop.rows);
      cv::Mat resized;
      cv::resize(crop, resized, cv::Size(width_, height_), 0, 0,
                 crop.cols > width_ ? cv::INTER_AREA : cv::INTER_LINEAR);
      crop = resized;
      // Pixel centres map as cv::resize maps them (random_resized_crop does the same).
      for (auto& p : pts) p = {(p.x + 0.5f) * sx - 0.5f, (p.y + 0.5f) * sy - 0.5f};
    }
    s.frames.push_back(crop);
    s.landmarks.push_back(std::move(pts));
    if (e.timestamps_s.size() == n) s.timestamps_s.push_back(e.timestamps_s[c]);
  }
  return s;
}

InputNormalisation FaceCropSource::normalisation() const {
  return {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}, 0.0f};
}

}  // namespace dflab
