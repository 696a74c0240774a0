#pragma once
// `yunet` face detector: YuNet through cv::FaceDetectorYN (OpenCV 4.5.4–4.7 model generation),
// boxes + 5 landmarks (right eye, left eye, nose tip, right and left mouth corner).
// The 2022feb ONNX has a FIXED 120x160 (h x w) input: the frame is letterboxed into it (scaled
// uniformly, padded right/bottom) and boxes are mapped back, so faces under ~10% of the frame
// height are missed. `model` is required (e.g. shared/models/yunet/yunet_120x160_2022feb.onnx).
// ref: opencv/samples/dnn/face_detect.cpp
//
//   Params p = registry.defaults(kind::face_detector, "yunet");
//   p.set("model", std::string("yunet_120x160_2022feb.onnx"));
//   auto det = registry.create<FaceDetector>(kind::face_detector, "yunet", p);

#include <opencv2/objdetect.hpp>

#include "modalities/video/detectors/detector_params.h"

namespace dflab {

class YunetDetector : public FaceDetector {
 public:
  explicit YunetDetector(const Params& params);
  static PluginInfo info();
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override;

 private:
  CommonDetectorParams common_;
  cv::Size input_size_;
  cv::Ptr<cv::FaceDetectorYN> net_;
};

}  // namespace dflab
