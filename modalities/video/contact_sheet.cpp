#include "modalities/video/contact_sheet.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace dflab {

namespace {

cv::Rect scaled(const cv::Rect2f& r, double s) {
  return cv::Rect(cv::Point(cvRound(r.x * s), cvRound(r.y * s)),
                  cv::Point(cvRound((r.x + r.width) * s), cvRound((r.y + r.height) * s)));
}

}  // namespace

cv::Mat make_contact_sheet(const FaceClip& clip, int columns, int tile_width) {
  if (clip.sampled_frames.empty())
    throw std::invalid_argument("contact sheet of " + clip.path +
                                ": no sampled frames kept (set keep_sampled_frames)");
  if (columns < 1 || tile_width < 16) throw std::invalid_argument("contact sheet: bad grid");
  const int n = static_cast<int>(clip.sampled_frames.size());
  const cv::Size first = clip.sampled_frames.front().size();
  const double tile_scale = static_cast<double>(tile_width) / first.width;
  const int tile_height = std::max(1, cvRound(first.height * tile_scale));
  const int cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  cv::Mat sheet(rows * tile_height, cols * tile_width, CV_8UC3, cv::Scalar::all(32));
  const bool have_crops = clip.crop_boxes.size() == static_cast<std::size_t>(n);
  for (int i = 0; i < n; ++i) {
    cv::Mat tile;
    cv::resize(clip.sampled_frames[i], tile, cv::Size(tile_width, tile_height), 0, 0, cv::INTER_AREA);
    const double s = clip.sampled_scale * tile_scale;   // frame pixels → tile pixels
    if (i < static_cast<int>(clip.detections.size()))
      for (const auto& d : clip.detections[i]) {
        cv::rectangle(tile, scaled(d.box, s), cv::Scalar(0, 0, 255), 1);
        for (const auto& p : d.landmarks)
          cv::circle(tile, cv::Point(cvRound(p.x * s), cvRound(p.y * s)), 1, cv::Scalar(0, 0, 255), -1);
      }
    if (have_crops) {
      cv::rectangle(tile, scaled(clip.face_boxes[i], s), cv::Scalar(0, 255, 0), 2);
      cv::rectangle(tile, scaled(clip.crop_boxes[i], s), cv::Scalar(255, 128, 0), 1);
      if (!clip.detected[i])
        cv::putText(tile, "interp.", cv::Point(4, tile_height - 6), cv::FONT_HERSHEY_SIMPLEX, 0.4,
                    cv::Scalar(0, 255, 255), 1, cv::LINE_AA);
    }
    char label[64];
    std::snprintf(label, sizeof(label), "#%lld  %.2fs",
                  static_cast<long long>(i < static_cast<int>(clip.frame_indices.size()) ? clip.frame_indices[i] : i),
                  i < static_cast<int>(clip.timestamps_s.size()) ? clip.timestamps_s[i] : 0.0);
    cv::putText(tile, label, cv::Point(4, 14), cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(0, 0, 0), 3, cv::LINE_AA);
    cv::putText(tile, label, cv::Point(4, 14), cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(220, 220, 220), 1, cv::LINE_AA);
    tile.copyTo(sheet(cv::Rect((i % cols) * tile_width, (i / cols) * tile_height, tile_width, tile_height)));
  }
  return sheet;
}

}  // namespace dflab
