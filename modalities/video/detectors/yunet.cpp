#include "modalities/video/detectors/yunet.h"

namespace dflab {

PluginInfo YunetDetector::info() {
  CommonDefaults d;
  d.threshold = 0.7;
  d.nms_iou = 0.3;
  d.min_face_px = 20;
  return {kind::face_detector, "yunet",
          "YuNet (cv::FaceDetectorYN, ONNX, fixed 160x120 input) with 5 landmarks; needs `model`",
          with_common_params(
              d, {ParamSpec::required("model", ParamType::string, "YuNet ONNX file (yunet_120x160_2022feb.onnx)").as_path(PathRole::input_file),
                  ParamSpec::integer("input_width", 160, "the network's fixed input width").range(16, 4096).with_unit("px"),
                  ParamSpec::integer("input_height", 120, "the network's fixed input height").range(16, 4096).with_unit("px")})};
}

YunetDetector::YunetDetector(const Params& params)
    : common_(CommonDetectorParams::from(params)),
      input_size_(static_cast<int>(params.integer("input_width")),
                  static_cast<int>(params.integer("input_height"))) {
  const std::string path = require_model_file(params.string("model"), "yunet", "model", params);
  try {
    // Same threshold and NMS inside the detector (fewer boxes to copy); finish_detections re-applies them.
    net_ = cv::FaceDetectorYN::create(path, "", input_size_, common_.threshold, common_.nms_iou, 5000);
  } catch (const cv::Exception& e) {
    throw ModelFileError("yunet: cannot load '" + path + "' as a YuNet ONNX model: " + e.what());
  }
  if (net_.empty()) throw ModelFileError("yunet: cannot load '" + path + "'");
}

std::vector<FaceDetection> YunetDetector::detect(const cv::Mat& bgr) {
  check_bgr_input(bgr, "yunet");
  const ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
  const ScaledImage in = fit_to_input(small.image, input_size_, /*keep_aspect=*/true);
  cv::Mat faces;   // N x 15: x, y, w, h, 5 landmarks (x, y), score
  net_->detect(in.image, faces);
  std::vector<FaceDetection> dets;
  for (int i = 0; i < faces.rows; ++i) {
    const float* r = faces.ptr<float>(i);
    FaceDetection d{cv::Rect2f(r[0], r[1], r[2], r[3]), r[14], {}};
    for (int k = 0; k < 5; ++k) d.landmarks.emplace_back(r[4 + 2 * k], r[5 + 2 * k]);
    dets.push_back(std::move(d));
  }
  map_to_input(dets, in.scale_x * small.scale_x, in.scale_y * small.scale_y);
  return finish_detections(std::move(dets), common_, bgr.size());
}

}  // namespace dflab
