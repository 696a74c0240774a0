#include "modalities/video/detectors/res10_ssd.h"

#include <filesystem>
#include <string>

namespace dflab {

PluginInfo Res10SsdDetector::info() {
  CommonDefaults d;
  d.threshold = 0.5;
  d.nms_iou = 0.3;
  d.min_face_px = 20;
  return {kind::face_detector, "res10_ssd",
          "OpenCV's ResNet-10 SSD face detector (TensorFlow .pb + .pbtxt, 300x300); needs `model`",
          with_common_params(
              d, {ParamSpec::required("model", ParamType::string, "frozen TensorFlow graph (opencv_face_detector_uint8.pb)").as_path(PathRole::input_file),
                  ParamSpec::string("config", "", "text graph (.pbtxt); empty = opencv_face_detector.pbtxt beside `model`").as_path(PathRole::input_file),
                  ParamSpec::integer("input_size", 300, "square network input side").range(32, 4096).with_unit("px")})};
}

Res10SsdDetector::Res10SsdDetector(const Params& params)
    : common_(CommonDetectorParams::from(params)),
      input_side_(static_cast<int>(params.integer("input_size"))) {
  const std::string model = require_model_file(params.string("model"), "res10_ssd", "model", params);
  std::string config = params.string("config");
  if (config.empty())
    config = (std::filesystem::path(model).parent_path() / "opencv_face_detector.pbtxt").string();
  require_model_file(config, "res10_ssd", "config", params);
  try {
    net_ = cv::dnn::readNetFromTensorflow(model, config);
  } catch (const cv::Exception& e) {
    throw ModelFileError("res10_ssd: cannot load '" + model + "' with '" + config + "': " + e.what());
  }
  if (net_.empty()) throw ModelFileError("res10_ssd: cannot load '" + model + "'");
}

std::vector<FaceDetection> Res10SsdDetector::detect(const cv::Mat& bgr) {
  check_bgr_input(bgr, "res10_ssd");
  const ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
  const cv::Size size(input_side_, input_side_);
  const ScaledImage in = fit_to_input(small.image, size, /*keep_aspect=*/false);
  net_.setInput(cv::dnn::blobFromImage(in.image, 1.0, size, cv::Scalar(104, 177, 123), /*swapRB=*/false));
  const cv::Mat out = net_.forward();   // 1 x 1 x N x 7
  if (out.dims != 4 || out.size[3] != 7)
    throw std::runtime_error("res10_ssd: unexpected output shape (want 1x1xNx7)");
  const int n = out.size[2];
  const auto* r = out.ptr<float>();
  const float s = static_cast<float>(input_side_);
  std::vector<FaceDetection> dets;
  for (int i = 0; i < n; ++i, r += 7) {
    const float score = r[2];
    if (!(score >= common_.threshold)) continue;
    dets.push_back({cv::Rect2f(r[3] * s, r[4] * s, (r[5] - r[3]) * s, (r[6] - r[4]) * s), score, {}});
  }
  map_to_input(dets, in.scale_x * small.scale_x, in.scale_y * small.scale_y);
  return finish_detections(std::move(dets), common_, bgr.size());
}

}  // namespace dflab
