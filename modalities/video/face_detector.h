#pragma once
// Face detector plugins (kind "face_detector"): one file each under modalities/video/detectors/.
//
//   auto det = registry.create<FaceDetector>(kind::face_detector, "haar", params);
//   std::vector<FaceDetection> faces = det->detect(bgr_frame);
//
// A detector object is not thread-safe (DNN nets keep buffers): use one per thread.

#include <vector>

#include <opencv2/core.hpp>

#include "registry/registry.h"

namespace dflab {

struct FaceDetection {
  cv::Rect2f box;                       // in the input image's pixels
  float score = 1.0f;                   // detector confidence; 1 for detectors without one
  std::vector<cv::Point2f> landmarks;   // detector's own landmarks (e.g. 5 for MTCNN/YuNet), may be empty
};

class FaceDetector : public Plugin {
 public:
  // `bgr` is an 8-bit, 3-channel BGR image. Boxes come back in its coordinates, sorted by score.
  virtual std::vector<FaceDetection> detect(const cv::Mat& bgr) = 0;
};

}  // namespace dflab
