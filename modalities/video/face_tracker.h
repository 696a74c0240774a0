#pragma once
// Links face detections across sampled frames into tracks (greedy IoU matching), fills frames a
// track missed by linear interpolation, smooths its boxes, and orders tracks by how central they
// are to the clip: most detected frames first, then largest mean box.
//
//   FaceTracker tracker({/*iou_threshold=*/0.3f});
//   for (int i = 0; i < n_sampled; ++i) tracker.update(i, detector.detect(frame[i]));
//   std::vector<FaceTrack> tracks = tracker.finish();   // tracks[0] is the main face
//
// Frame numbers are positions in the sampled sequence (0..k-1), not video frame indices.

#include <vector>

#include <opencv2/core.hpp>

#include "modalities/video/face_detector.h"

namespace dflab {

struct TrackerOptions {
  float iou_threshold = 0.3f;  // a detection continues a track when IoU with its last box ≥ this
  int max_gap = 4;             // sampled frames a track may miss before it ends
  int smooth_window = 3;       // centred moving average over this many frames (odd; 1 = off)
  int min_detections = 1;      // tracks with fewer detected frames are dropped
};

struct TrackedBox {
  int frame = 0;                         // sampled frame number
  cv::Rect2f box;                        // smoothed
  cv::Rect2f raw_box;                    // detected or interpolated, before smoothing
  float score = 0.0f;                    // detector score; 0 for interpolated boxes
  std::vector<cv::Point2f> landmarks;    // detector landmarks; empty when interpolated
  bool interpolated = false;
};

struct FaceTrack {
  int id = 0;
  std::vector<TrackedBox> boxes;   // one per frame from first() to last(), no holes
  int n_detected = 0;
  float mean_area = 0.0f;          // of detected boxes, px²

  int first() const { return boxes.empty() ? -1 : boxes.front().frame; }
  int last() const { return boxes.empty() ? -1 : boxes.back().frame; }
  // nullptr when the track does not cover `frame`.
  const TrackedBox* at(int frame) const;
  // The smallest box holding every box of the track (for one fixed crop over a whole clip).
  cv::Rect2f enclosing_box() const;
};

float iou(const cv::Rect2f& a, const cv::Rect2f& b);

class FaceTracker {
 public:
  explicit FaceTracker(TrackerOptions options = {});
  // Frames must come in increasing order; a frame with no detections may be skipped or passed empty.
  void update(int frame, const std::vector<FaceDetection>& detections);
  // Interpolates, smooths and returns tracks, main track first. The tracker is empty afterwards.
  std::vector<FaceTrack> finish();

 private:
  struct Live {
    FaceTrack track;
    int last_frame;
  };
  TrackerOptions opt_;
  std::vector<Live> live_;
  std::vector<FaceTrack> ended_;
  int next_id_ = 0;
  int last_frame_ = -1;
};

// Convenience: per_frame[i] are the detections of sampled frame i.
std::vector<FaceTrack> track_faces(const std::vector<std::vector<FaceDetection>>& per_frame,
                                   TrackerOptions options = {});

}  // namespace dflab
