#include "modalities/video/detectors/nms.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dflab {

float box_overlap(const cv::Rect2f& a, const cv::Rect2f& b, Overlap mode) {
  const float area_a = std::max(0.0f, a.width) * std::max(0.0f, a.height);
  const float area_b = std::max(0.0f, b.width) * std::max(0.0f, b.height);
  if (area_a <= 0.0f || area_b <= 0.0f) return 0.0f;
  const float iw = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float ih = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (iw <= 0.0f || ih <= 0.0f) return 0.0f;
  const float inter = iw * ih;
  const float denom = mode == Overlap::iou ? area_a + area_b - inter : std::min(area_a, area_b);
  return inter / denom;
}

namespace {
std::vector<std::size_t> by_score(const std::vector<float>& scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

std::vector<float> scores_of(const std::vector<FaceDetection>& dets) {
  std::vector<float> s;
  s.reserve(dets.size());
  for (const auto& d : dets) s.push_back(d.score);
  return s;
}
}  // namespace

std::vector<std::size_t> nms_indices(const std::vector<cv::Rect2f>& boxes,
                                     const std::vector<float>& scores, float max_overlap,
                                     Overlap mode) {
  if (boxes.size() != scores.size())
    throw std::invalid_argument("nms: " + std::to_string(boxes.size()) + " boxes but " +
                                std::to_string(scores.size()) + " scores");
  std::vector<std::size_t> kept;
  std::vector<char> removed(boxes.size(), 0);
  for (std::size_t i : by_score(scores)) {
    if (removed[i]) continue;
    kept.push_back(i);
    for (std::size_t j = 0; j < boxes.size(); ++j)
      if (!removed[j] && j != i && box_overlap(boxes[i], boxes[j], mode) > max_overlap)
        removed[j] = 1;
    removed[i] = 1;
  }
  return kept;
}

std::vector<FaceDetection> nms(std::vector<FaceDetection> dets, float max_overlap, Overlap mode) {
  std::vector<cv::Rect2f> boxes;
  boxes.reserve(dets.size());
  for (const auto& d : dets) boxes.push_back(d.box);
  std::vector<FaceDetection> out;
  for (std::size_t i : nms_indices(boxes, scores_of(dets), max_overlap, mode))
    out.push_back(std::move(dets[i]));
  return out;
}

std::vector<FaceDetection> weighted_nms(std::vector<FaceDetection> dets, float max_overlap) {
  std::vector<FaceDetection> out;
  std::vector<char> used(dets.size(), 0);
  for (std::size_t i : by_score(scores_of(dets))) {
    if (used[i]) continue;
    const FaceDetection& top = dets[i];
    double total = 0.0, mark_total = 0.0, x1 = 0.0, y1 = 0.0, x2 = 0.0, y2 = 0.0;
    std::vector<cv::Point2d> marks(top.landmarks.size(), cv::Point2d(0, 0));
    for (std::size_t j = 0; j < dets.size(); ++j) {
      if (used[j]) continue;
      if (j != i && box_overlap(top.box, dets[j].box) <= max_overlap) continue;
      used[j] = 1;
      const FaceDetection& d = dets[j];
      const double w = d.score;
      total += w;
      x1 += w * d.box.x;
      y1 += w * d.box.y;
      x2 += w * (d.box.x + d.box.width);
      y2 += w * (d.box.y + d.box.height);
      if (d.landmarks.size() != marks.size()) continue;
      mark_total += w;
      for (std::size_t k = 0; k < marks.size(); ++k)
        marks[k] += w * cv::Point2d(d.landmarks[k].x, d.landmarks[k].y);
    }
    FaceDetection merged = top;
    if (total > 0.0) {
      merged.box = cv::Rect2f(static_cast<float>(x1 / total), static_cast<float>(y1 / total),
                              static_cast<float>((x2 - x1) / total),
                              static_cast<float>((y2 - y1) / total));
    }
    if (mark_total > 0.0) {
      for (std::size_t k = 0; k < marks.size(); ++k)
        merged.landmarks[k] = cv::Point2f(static_cast<float>(marks[k].x / mark_total),
                                          static_cast<float>(marks[k].y / mark_total));
    }
    out.push_back(std::move(merged));
  }
  return out;
}

}  // namespace dflab
