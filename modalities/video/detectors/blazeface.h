#pragma once
// `blazeface` face detector: MediaPipe BlazeFace front model (128x128, ONNX, NHWC input in [-1, 1],
// RGB) through OpenCV DNN, with MediaPipe's SSD anchors, box/keypoint decoding, sigmoid scores and
// weighted NMS. Boxes come with 6 keypoints: right eye, left eye, nose tip, mouth, right ear
// tragion, left ear tragion. The frame is letterboxed into 128x128 as MediaPipe does; made for
// faces filling a good part of the frame (selfie distance). `model` is required
// (e.g. shared/models/blazeface/face_detection_front_128x128_barracuda.onnx).
// ref: mediapipe/modules/face_detection/face_detection_short_range_common.pbtxt,
//      mediapipe/calculators/tflite/ssd_anchors_calculator.cc,
//      mediapipe/calculators/tflite/tflite_tensors_to_detections_calculator.cc
//
//   Params p = registry.defaults(kind::face_detector, "blazeface");
//   p.set("model", std::string("face_detection_front_128x128_barracuda.onnx"));
//   auto det = registry.create<FaceDetector>(kind::face_detector, "blazeface", p);

#include <vector>

#include <opencv2/dnn.hpp>

#include "modalities/video/detectors/detector_params.h"

namespace dflab {

// MediaPipe SsdAnchorsCalculatorOptions (the fields BlazeFace uses); defaults = the front model.
struct SsdAnchorOptions {
  int input_width = 128;
  int input_height = 128;
  double min_scale = 0.1484375;
  double max_scale = 0.75;
  double anchor_offset_x = 0.5;
  double anchor_offset_y = 0.5;
  std::vector<int> strides = {8, 16, 16, 16};
  std::vector<double> aspect_ratios = {1.0};
  double interpolated_scale_aspect_ratio = 1.0;
  bool fixed_anchor_size = true;
};

// An anchor in normalised [0, 1] image coordinates.
struct SsdAnchor {
  float x_center, y_center, width, height;
};

// The anchors in the order the model's outputs use (layers of equal stride merged; per cell all
// anchors of that cell). Front model: 16*16*2 + 8*8*6 = 896.
std::vector<SsdAnchor> ssd_anchors(const SsdAnchorOptions& options = {});

class BlazefaceDetector : public FaceDetector {
 public:
  explicit BlazefaceDetector(const Params& params);
  static PluginInfo info();
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override;

 private:
  CommonDetectorParams common_;
  bool weighted_;
  std::vector<SsdAnchor> anchors_;
  cv::dnn::Net net_;
  std::vector<std::string> out_names_;
};

}  // namespace dflab
