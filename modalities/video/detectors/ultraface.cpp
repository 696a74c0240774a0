#include "modalities/video/detectors/ultraface.h"

#include <string>

namespace dflab {

PluginInfo UltrafaceDetector::info() {
  CommonDefaults d;
  d.threshold = 0.7;
  d.nms_iou = 0.3;
  d.min_face_px = 20;
  return {kind::face_detector, "ultraface",
          "Ultra-Light-Fast face detector (RFB-320 / slim-320 ONNX, OpenCV DNN); needs `model`",
          with_common_params(
              d, {ParamSpec::required("model", ParamType::string, "UltraFace ONNX file (version-RFB-320.onnx or version-slim-320.onnx)").as_path(PathRole::input_file),
                  ParamSpec::integer("input_width", 320, "the network's input width").range(16, 4096).with_unit("px"),
                  ParamSpec::integer("input_height", 240, "the network's input height").range(16, 4096).with_unit("px")})};
}

UltrafaceDetector::UltrafaceDetector(const Params& params)
    : common_(CommonDetectorParams::from(params)),
      input_size_(static_cast<int>(params.integer("input_width")),
                  static_cast<int>(params.integer("input_height"))) {
  const std::string path = require_model_file(params.string("model"), "ultraface", "model", params);
  try {
    net_ = cv::dnn::readNetFromONNX(path);
  } catch (const cv::Exception& e) {
    throw ModelFileError("ultraface: cannot load '" + path + "' as an ONNX model: " + e.what());
  }
  if (net_.empty()) throw ModelFileError("ultraface: cannot load '" + path + "'");
}

std::vector<FaceDetection> UltrafaceDetector::detect(const cv::Mat& bgr) {
  check_bgr_input(bgr, "ultraface");
  const ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
  const ScaledImage in = fit_to_input(small.image, input_size_, /*keep_aspect=*/false);
  // (x - 127) / 128 on RGB, NCHW.
  const cv::Mat blob = cv::dnn::blobFromImage(in.image, 1.0 / 128.0, input_size_,
                                              cv::Scalar(127, 127, 127), /*swapRB=*/true);
  net_.setInput(blob);
  std::vector<cv::Mat> outs;
  net_.forward(outs, std::vector<std::string>{"boxes", "scores"});
  const cv::Mat& boxes = outs[0];    // 1 x N x 4
  const cv::Mat& scores = outs[1];   // 1 x N x 2
  if (boxes.dims != 3 || scores.dims != 3 || boxes.size[1] != scores.size[1] || boxes.size[2] != 4 ||
      scores.size[2] != 2)
    throw std::runtime_error("ultraface: unexpected output shapes (want 1xNx4 boxes and 1xNx2 scores)");
  const int n = boxes.size[1];
  const auto* b = boxes.ptr<float>();
  const auto* s = scores.ptr<float>();
  const float w = static_cast<float>(input_size_.width), h = static_cast<float>(input_size_.height);
  std::vector<FaceDetection> dets;
  for (int i = 0; i < n; ++i) {
    const float score = s[2 * i + 1];
    if (!(score >= common_.threshold)) continue;
    const float* r = b + 4 * i;
    dets.push_back({cv::Rect2f(r[0] * w, r[1] * h, (r[2] - r[0]) * w, (r[3] - r[1]) * h), score, {}});
  }
  map_to_input(dets, in.scale_x * small.scale_x, in.scale_y * small.scale_y);
  return finish_detections(std::move(dets), common_, bgr.size());
}

}  // namespace dflab
