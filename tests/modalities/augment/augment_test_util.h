#pragma once
// Shared fixtures of the augmentation tests: the plugin registry, plugins with overridden
// parameters, and deterministic synthetic samples.
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include <opencv2/imgproc.hpp>

#include "modalities/augment/augmentation.h"

namespace dflab::test {

inline const Registry& augment_registry() {
  static const Registry reg = [] {
    Registry r;
    register_augmentation_plugins(r);
    return r;
  }();
  return reg;
}

inline std::unique_ptr<Augmentation> make_aug(const std::string& name, const std::map<std::string, ParamValue>& set = {}) {
  Params p = augment_registry().defaults(kind::augmentation, name);
  for (const auto& [k, v] : set) {
    if (!p.has(k)) throw std::out_of_range("test: " + name + " has no parameter " + k);
    p.set(k, v);
  }
  return augment_registry().create<Augmentation>(kind::augmentation, name, p);
}

// Smooth colour texture (blurred noise + gradients): compressible like a face crop, asymmetric.
inline cv::Mat textured_frame(int w, int h, std::uint64_t seed = 1) {
  cv::Mat noise(h, w, CV_32FC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(noise, noise, cv::Size(0, 0), 3.0);
  cv::Mat img(h, w, CV_32FC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const cv::Vec3f n = noise.at<cv::Vec3f>(y, x);
      img.at<cv::Vec3f>(y, x) = cv::Vec3f(0.5f * n[0] + 100.0f * x / w, 0.5f * n[1] + 90.0f * y / h,
                                          0.5f * n[2] + 60.0f * (x + y) / (w + h));
    }
  cv::circle(img, cv::Point(w / 3, h / 3), std::max(2, w / 8), cv::Scalar(230, 200, 180), -1);
  cv::Mat out;
  img.convertTo(out, CV_8UC3);
  return out;
}

inline AugmentSample video_sample(int n_frames, int w = 64, int h = 64, float target = 1.0f, std::uint64_t seed = 1) {
  AugmentSample s;
  s.modality = AugmentModality::video;
  for (int i = 0; i < n_frames; ++i) s.frames.push_back(textured_frame(w, h, seed + static_cast<std::uint64_t>(i)));
  s.target = target;
  return s;
}

inline AugmentSample audio_sample(int bins = 40, int frames = 50, float target = 1.0f, std::uint64_t seed = 7) {
  AugmentSample s;
  s.modality = AugmentModality::audio;
  s.feature.create(bins, frames, CV_32FC1);
  cv::RNG rng(seed);
  rng.fill(s.feature, cv::RNG::UNIFORM, cv::Scalar(-80.0), cv::Scalar(0.0));   // dB, like power_to_db
  s.target = target;
  return s;
}

inline AugmentSample deep_copy(const AugmentSample& s) {
  AugmentSample c = s;
  for (auto& f : c.frames) f = f.clone();
  c.feature = s.feature.clone();
  return c;
}

inline bool same_mat(const cv::Mat& a, const cv::Mat& b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  if (a.size() != b.size() || a.type() != b.type()) return false;
  return cv::norm(a, b, cv::NORM_INF) == 0.0;
}

inline bool same_sample(const AugmentSample& a, const AugmentSample& b) {
  if (a.frames.size() != b.frames.size() || a.target != b.target || a.landmarks != b.landmarks ||
      a.timestamps_s != b.timestamps_s)
    return false;
  for (std::size_t i = 0; i < a.frames.size(); ++i)
    if (!same_mat(a.frames[i], b.frames[i])) return false;
  return same_mat(a.feature, b.feature);
}

inline double psnr(const cv::Mat& a, const cv::Mat& b) { return cv::PSNR(a, b); }

}  // namespace dflab::test
