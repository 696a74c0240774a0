#pragma once
// `dlib_hog` face detector: dlib's frontal face detector (HOG features + linear SVM over an image
// pyramid, 5 pose-specific filters). Needs no model file: the weights are compiled into dlib.
// It finds faces of about 80 px and larger; `upsample` doubles the image first (per step) to find
// smaller ones at 4x the cost. The score is the SVM margin (not a probability): `threshold` is
// dlib's adjust_threshold, 0 being dlib's own operating point.
// ref: dlib/image_processing/frontal_face_detector.h, dlib python_examples/face_detector.py
//
//   auto det = registry.create<FaceDetector>(kind::face_detector, "dlib_hog", params);

#include <memory>

#include "modalities/video/detectors/detector_params.h"

namespace dflab {

class DlibHogDetector : public FaceDetector {
 public:
  explicit DlibHogDetector(const Params& params);
  ~DlibHogDetector() override;
  static PluginInfo info();
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override;

 private:
  struct Impl;   // keeps dlib's heavy headers out of this one
  std::unique_ptr<Impl> impl_;
  CommonDetectorParams common_;
  int upsample_;
};

}  // namespace dflab
