#pragma once
// The shared body of the OpenCV cascade detectors `haar` and `lbp` (Viola-Jones on an equalised
// grey image, cv::CascadeClassifier::detectMultiScale). Cascades give no score: every box has
// score 1, and min_neighbors is the knob that trades recall for false positives.

#include <string>
#include <vector>

#include <opencv2/objdetect.hpp>

#include "modalities/video/detectors/detector_params.h"

namespace dflab {

class CascadeDetector : public FaceDetector {
 public:
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override;

 protected:
  // `name` is the plugin name (for messages); the cascade path comes from the `cascade` parameter.
  CascadeDetector(const Params& params, std::string name);
  // Parameters of both cascades; `default_cascade` is the Debian opencv-data file.
  static std::vector<ParamSpec> cascade_params(const std::string& default_cascade,
                                               std::int64_t default_min_neighbors);

 private:
  std::string name_;
  CommonDetectorParams common_;
  double scale_factor_;
  int min_neighbors_;
  cv::CascadeClassifier cascade_;
};

}  // namespace dflab
