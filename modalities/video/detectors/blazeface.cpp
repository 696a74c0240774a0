#include "modalities/video/detectors/blazeface.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <opencv2/imgproc.hpp>

#include "modalities/video/detectors/nms.h"

namespace dflab {

namespace {
constexpr int kInputSide = 128;    // px
constexpr int kCoords = 16;        // x, y, w, h, then 6 keypoints (x, y)
constexpr int kKeypoints = 6;
constexpr float kScale = 128.0f;   // x_scale = y_scale = w_scale = h_scale of the front model
constexpr float kScoreClip = 100.0f;

double calc_scale(double min_scale, double max_scale, int index, int n) {
  return n == 1 ? 0.5 * (min_scale + max_scale)
                : min_scale + (max_scale - min_scale) * index / (n - 1.0);
}
}  // namespace

// ref: mediapipe/calculators/tflite/ssd_anchors_calculator.cc, GenerateAnchors()
std::vector<SsdAnchor> ssd_anchors(const SsdAnchorOptions& o) {
  const int n_layers = static_cast<int>(o.strides.size());
  std::vector<SsdAnchor> anchors;
  int layer = 0;
  while (layer < n_layers) {
    std::vector<double> heights, widths, ratios, scales;
    int last = layer;
    while (last < n_layers && o.strides[last] == o.strides[layer]) {
      const double scale = calc_scale(o.min_scale, o.max_scale, last, n_layers);
      for (double ar : o.aspect_ratios) {
        ratios.push_back(ar);
        scales.push_back(scale);
      }
      if (o.interpolated_scale_aspect_ratio > 0.0) {
        const double next = last == n_layers - 1 ? 1.0 : calc_scale(o.min_scale, o.max_scale, last + 1, n_layers);
        scales.push_back(std::sqrt(scale * next));
        ratios.push_back(o.interpolated_scale_aspect_ratio);
      }
      ++last;
    }
    for (std::size_t i = 0; i < ratios.size(); ++i) {
      const double r = std::sqrt(ratios[i]);
      heights.push_back(scales[i] / r);
      widths.push_back(scales[i] * r);
    }
    const int stride = o.strides[layer];
    const int fm_h = static_cast<int>(std::ceil(static_cast<double>(o.input_height) / stride));
    const int fm_w = static_cast<int>(std::ceil(static_cast<double>(o.input_width) / stride));
    for (int y = 0; y < fm_h; ++y)
      for (int x = 0; x < fm_w; ++x)
        for (std::size_t a = 0; a < heights.size(); ++a)
          anchors.push_back({static_cast<float>((x + o.anchor_offset_x) / fm_w),
                             static_cast<float>((y + o.anchor_offset_y) / fm_h),
                             o.fixed_anchor_size ? 1.0f : static_cast<float>(widths[a]),
                             o.fixed_anchor_size ? 1.0f : static_cast<float>(heights[a])});
    layer = last;
  }
  return anchors;
}

PluginInfo BlazefaceDetector::info() {
  CommonDefaults d;
  d.threshold = 0.75;   // MediaPipe's min_score_thresh for the front model
  d.nms_iou = 0.3;      // MediaPipe's min_suppression_threshold
  d.min_face_px = 20;
  return {kind::face_detector, "blazeface",
          "MediaPipe BlazeFace front (128x128 ONNX, OpenCV DNN) with 6 keypoints; needs `model`",
          with_common_params(
              d, {ParamSpec::required("model", ParamType::string,
                                      "BlazeFace front ONNX file, NHWC 1x128x128x3 input, 896 anchors").as_path(PathRole::input_file),
                  ParamSpec::boolean("weighted_nms", true,
                                     "merge overlapping boxes by score-weighted mean (MediaPipe) "
                                     "instead of keeping only the best")})};
}

BlazefaceDetector::BlazefaceDetector(const Params& params)
    : common_(CommonDetectorParams::from(params)),
      weighted_(params.boolean("weighted_nms")),
      anchors_(ssd_anchors()) {
  const std::string path = require_model_file(params.string("model"), "blazeface", "model", params);
  try {
    net_ = cv::dnn::readNetFromONNX(path);
  } catch (const cv::Exception& e) {
    throw ModelFileError("blazeface: cannot load '" + path + "' as an ONNX model: " + e.what());
  }
  if (net_.empty()) throw ModelFileError("blazeface: cannot load '" + path + "'");
  out_names_ = net_.getUnconnectedOutLayersNames();
  if (out_names_.size() != 4)
    throw ModelFileError("blazeface: '" + path + "' has " + std::to_string(out_names_.size()) +
                         " outputs; want 4 (scores and regressors of the 16x16 and 8x8 grids)");
}

std::vector<FaceDetection> BlazefaceDetector::detect(const cv::Mat& bgr) {
  check_bgr_input(bgr, "blazeface");
  const ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
  const ScaledImage in = fit_to_input(small.image, cv::Size(kInputSide, kInputSide), /*keep_aspect=*/true);
  cv::Mat rgb;
  cv::cvtColor(in.image, rgb, cv::COLOR_BGR2RGB);
  const int shape[] = {1, kInputSide, kInputSide, 3};   // NHWC
  cv::Mat blob(4, shape, CV_32F);
  cv::Mat hwc(kInputSide, kInputSide, CV_32FC3, blob.ptr<float>());
  rgb.convertTo(hwc, CV_32F, 2.0 / 255.0, -1.0);        // [0, 255] -> [-1, 1]
  net_.setInput(blob);
  std::vector<cv::Mat> outs;
  net_.forward(outs, out_names_);

  // Outputs come as (scores, regressors) for each grid; order them by anchor count: 512 then 384.
  const cv::Mat* scores[2] = {nullptr, nullptr};
  const cv::Mat* regs[2] = {nullptr, nullptr};
  for (const cv::Mat& m : outs) {
    if (m.dims != 3) continue;
    const int grid = m.size[1] == 512 ? 0 : m.size[1] == 384 ? 1 : -1;
    if (grid < 0) continue;
    if (m.size[2] == 1) scores[grid] = &m;
    if (m.size[2] == kCoords) regs[grid] = &m;
  }
  if (!scores[0] || !scores[1] || !regs[0] || !regs[1])
    throw std::runtime_error("blazeface: unexpected outputs (want 1x512x1, 1x384x1, 1x512x16, 1x384x16)");

  std::vector<FaceDetection> dets;
  std::size_t anchor = 0;
  for (int g = 0; g < 2; ++g) {
    const int n = scores[g]->size[1];
    const float* s = scores[g]->ptr<float>();
    const float* r = regs[g]->ptr<float>();
    for (int i = 0; i < n; ++i, ++anchor, r += kCoords) {
      const float logit = std::clamp(s[i], -kScoreClip, kScoreClip);
      const float score = 1.0f / (1.0f + std::exp(-logit));
      if (!(score >= common_.threshold)) continue;
      const SsdAnchor& a = anchors_[anchor];
      const float cx = r[0] / kScale * a.width + a.x_center;
      const float cy = r[1] / kScale * a.height + a.y_center;
      const float w = r[2] / kScale * a.width;
      const float h = r[3] / kScale * a.height;
      FaceDetection d{cv::Rect2f((cx - 0.5f * w) * kInputSide, (cy - 0.5f * h) * kInputSide,
                                 w * kInputSide, h * kInputSide),
                      score, {}};
      for (int k = 0; k < kKeypoints; ++k)
        d.landmarks.emplace_back((r[4 + 2 * k] / kScale * a.width + a.x_center) * kInputSide,
                                 (r[5 + 2 * k] / kScale * a.height + a.y_center) * kInputSide);
      dets.push_back(std::move(d));
    }
  }
  if (weighted_) dets = weighted_nms(std::move(dets), common_.nms_iou);
  map_to_input(dets, in.scale_x * small.scale_x, in.scale_y * small.scale_y);
  return finish_detections(std::move(dets), common_, bgr.size());
}

}  // namespace dflab
