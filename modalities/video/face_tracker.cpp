#include "modalities/video/face_tracker.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

namespace dflab {

float iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0.0f ? inter / uni : 0.0f;
}

const TrackedBox* FaceTrack::at(int frame) const {
  if (boxes.empty() || frame < first() || frame > last()) return nullptr;
  return &boxes[static_cast<std::size_t>(frame - first())];
}

cv::Rect2f FaceTrack::enclosing_box() const {
  if (boxes.empty()) return {};
  cv::Rect2f r = boxes.front().box;
  for (const auto& b : boxes) r |= b.box;
  return r;
}

FaceTracker::FaceTracker(TrackerOptions options) : opt_(options) {
  if (!(opt_.iou_threshold > 0.0f && opt_.iou_threshold <= 1.0f))
    throw std::invalid_argument("tracker: iou_threshold must be in (0, 1], got " +
                                std::to_string(opt_.iou_threshold));
  if (opt_.max_gap < 0) throw std::invalid_argument("tracker: max_gap must be >= 0");
  if (opt_.smooth_window < 1 || opt_.smooth_window % 2 == 0)
    throw std::invalid_argument("tracker: smooth_window must be odd and >= 1, got " +
                                std::to_string(opt_.smooth_window));
}

void FaceTracker::update(int frame, const std::vector<FaceDetection>& dets) {
  if (frame <= last_frame_)
    throw std::invalid_argument("tracker: frame " + std::to_string(frame) + " after frame " +
                                std::to_string(last_frame_));
  last_frame_ = frame;
  // Tracks that have missed more than max_gap frames end.
  for (auto it = live_.begin(); it != live_.end();) {
    if (frame - it->last_frame > opt_.max_gap + 1) {
      ended_.push_back(std::move(it->track));
      it = live_.erase(it);
    } else {
      ++it;
    }
  }
  // Greedy matching, best IoU first.
  std::vector<std::tuple<float, std::size_t, std::size_t>> pairs;
  for (std::size_t t = 0; t < live_.size(); ++t)
    for (std::size_t d = 0; d < dets.size(); ++d) {
      const float o = iou(live_[t].track.boxes.back().raw_box, dets[d].box);
      if (o >= opt_.iou_threshold) pairs.emplace_back(o, t, d);
    }
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<bool> track_used(live_.size(), false), det_used(dets.size(), false);
  auto append = [&](Live& live, const FaceDetection& d) {
    // Interpolate the frames the track missed, linearly between its last box and this one.
    const TrackedBox prev = live.track.boxes.back();
    const int gap = frame - prev.frame;
    for (int g = 1; g < gap; ++g) {
      const float a = static_cast<float>(g) / gap;
      TrackedBox tb;
      tb.frame = prev.frame + g;
      tb.raw_box = cv::Rect2f(prev.raw_box.x + a * (d.box.x - prev.raw_box.x),
                              prev.raw_box.y + a * (d.box.y - prev.raw_box.y),
                              prev.raw_box.width + a * (d.box.width - prev.raw_box.width),
                              prev.raw_box.height + a * (d.box.height - prev.raw_box.height));
      tb.interpolated = true;
      live.track.boxes.push_back(tb);
    }
    TrackedBox tb;
    tb.frame = frame;
    tb.raw_box = d.box;
    tb.score = d.score;
    tb.landmarks = d.landmarks;
    live.track.boxes.push_back(tb);
    live.last_frame = frame;
  };
  for (const auto& [o, t, d] : pairs) {
    if (track_used[t] || det_used[d]) continue;
    track_used[t] = det_used[d] = true;
    append(live_[t], dets[d]);
  }
  for (std::size_t d = 0; d < dets.size(); ++d) {
    if (det_used[d]) continue;
    Live live;
    live.track.id = next_id_++;
    TrackedBox tb;
    tb.frame = frame;
    tb.raw_box = dets[d].box;
    tb.score = dets[d].score;
    tb.landmarks = dets[d].landmarks;
    live.track.boxes.push_back(tb);
    live.last_frame = frame;
    live_.push_back(std::move(live));
  }
}

std::vector<FaceTrack> FaceTracker::finish() {
  for (auto& l : live_) ended_.push_back(std::move(l.track));
  live_.clear();
  std::vector<FaceTrack> out;
  const int half = opt_.smooth_window / 2;
  for (auto& t : ended_) {
    t.n_detected = 0;
    double area = 0.0;
    for (const auto& b : t.boxes)
      if (!b.interpolated) {
        ++t.n_detected;
        area += b.raw_box.area();
      }
    if (t.n_detected < opt_.min_detections) continue;
    t.mean_area = static_cast<float>(area / t.n_detected);
    // Centred moving average of centre and size; the window shrinks at the track ends.
    const int n = static_cast<int>(t.boxes.size());
    for (int i = 0; i < n; ++i) {
      const int lo = std::max(0, i - half), hi = std::min(n - 1, i + half);
      const int w = std::min(i - lo, hi - i);   // symmetric, so ends are not pulled inwards
      float cx = 0, cy = 0, bw = 0, bh = 0;
      for (int j = i - w; j <= i + w; ++j) {
        const auto& r = t.boxes[j].raw_box;
        cx += r.x + r.width / 2;
        cy += r.y + r.height / 2;
        bw += r.width;
        bh += r.height;
      }
      const float m = static_cast<float>(2 * w + 1);
      cx /= m; cy /= m; bw /= m; bh /= m;
      t.boxes[i].box = cv::Rect2f(cx - bw / 2, cy - bh / 2, bw, bh);
    }
    out.push_back(std::move(t));
  }
  ended_.clear();
  std::stable_sort(out.begin(), out.end(), [](const FaceTrack& a, const FaceTrack& b) {
    if (a.n_detected != b.n_detected) return a.n_detected > b.n_detected;
    return a.mean_area > b.mean_area;
  });
  next_id_ = 0;
  last_frame_ = -1;
  return out;
}

std::vector<FaceTrack> track_faces(const std::vector<std::vector<FaceDetection>>& per_frame,
                                   TrackerOptions options) {
  FaceTracker tracker(options);
  for (std::size_t i = 0; i < per_frame.size(); ++i) tracker.update(static_cast<int>(i), per_frame[i]);
  return tracker.finish();
}

}  // namespace dflab
