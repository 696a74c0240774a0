#pragma once
// `res10_ssd` face detector: OpenCV's ResNet-10 SSD (TensorFlow uint8 .pb + .pbtxt) through
// OpenCV DNN. Input 300x300 BGR minus mean (104, 177, 123), the frame stretched to it as in the
// sample; output 1 x 1 x N x 7 rows (image id, class, confidence, x1, y1, x2, y2 normalised).
// `model` is required (opencv_face_detector_uint8.pb); `config` defaults to
// opencv_face_detector.pbtxt beside it.
// ref: opencv/samples/dnn/face_detector/, opencv/modules/dnn/misc/face_detector_accuracy.py
//
//   Params p = registry.defaults(kind::face_detector, "res10_ssd");
//   p.set("model", std::string("opencv_face_detector_uint8.pb"));
//   auto det = registry.create<FaceDetector>(kind::face_detector, "res10_ssd", p);

#include <opencv2/dnn.hpp>

#include "modalities/video/detectors/detector_params.h"

namespace dflab {

class Res10SsdDetector : public FaceDetector {
 public:
  explicit Res10SsdDetector(const Params& params);
  static PluginInfo info();
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override;

 private:
  CommonDetectorParams common_;
  int input_side_;
  cv::dnn::Net net_;
};

}  // namespace dflab
