#pragma once
// `ultraface` face detector: Ultra-Light-Fast-Generic-Face-Detector (RFB-320 or slim-320 ONNX)
// through OpenCV DNN. Input 320x240 RGB, (x - 127) / 128, the frame stretched to it as in the
// reference; outputs already-decoded boxes (1 x N x 4, normalised x1 y1 x2 y2) and scores
// (1 x N x 2, column 1 = face), then hard NMS. `model` is required
// (e.g. shared/models/ultraface/version-RFB-320.onnx).
// ref: Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB, detect_imgs_onnx.py
//
//   Params p = registry.defaults(kind::face_detector, "ultraface");
//   p.set("model", std::string("version-RFB-320.onnx"));
//   auto det = registry.create<FaceDetector>(kind::face_detector, "ultraface", p);

#include <opencv2/dnn.hpp>

#include "modalities/video/detectors/detector_params.h"

namespace dflab {

class UltrafaceDetector : public FaceDetector {
 public:
  explicit UltrafaceDetector(const Params& params);
  static PluginInfo info();
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override;

 private:
  CommonDetectorParams common_;
  cv::Size input_size_;
  cv::dnn::Net net_;
};

}  // namespace dflab
