#include "modalities/video/detectors/detector_params.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <opencv2/imgproc.hpp>

#include "modalities/video/detectors/nms.h"

namespace dflab {

std::vector<ParamSpec> with_common_params(const CommonDefaults& d, std::vector<ParamSpec> own) {
  std::vector<ParamSpec> specs;
  if (d.has_threshold)
    specs.push_back(ParamSpec::real("threshold", d.threshold, d.threshold_doc)
                        .range(d.threshold_min, d.threshold_max));
  specs.push_back(ParamSpec::real("nms_iou", d.nms_iou,
                                  "boxes overlapping a higher-scoring box by more than this IoU are dropped")
                      .range(0.0, 1.0));
  specs.push_back(ParamSpec::integer("min_face", d.min_face_px,
                                     "smallest face kept (shorter box side, input image pixels)")
                      .range(0, std::nullopt)
                      .with_unit("px"));
  specs.push_back(ParamSpec::integer("max_side", d.max_side_px,
                                     "detect on a copy shrunk so its longer side is at most this; "
                                     "boxes come back in input pixels (0 = full resolution)")
                      .range(0, std::nullopt)
                      .with_unit("px"));
  for (auto& s : own) specs.push_back(std::move(s));
  return specs;
}

CommonDetectorParams CommonDetectorParams::from(const Params& p) {
  CommonDetectorParams c;
  if (p.has("threshold")) c.threshold = static_cast<float>(p.real("threshold"));
  c.nms_iou = static_cast<float>(p.real("nms_iou"));
  c.min_face_px = static_cast<int>(p.integer("min_face"));
  c.max_side_px = static_cast<int>(p.integer("max_side"));
  return c;
}

ScaledImage downscale_to_max_side(const cv::Mat& bgr, int max_side_px) {
  const int side = std::max(bgr.cols, bgr.rows);
  if (max_side_px <= 0 || side <= max_side_px) return {bgr, 1.0, 1.0};
  const double f = static_cast<double>(max_side_px) / side;
  const cv::Size size(std::max(1, static_cast<int>(std::lround(bgr.cols * f))),
                      std::max(1, static_cast<int>(std::lround(bgr.rows * f))));
  ScaledImage out;
  cv::resize(bgr, out.image, size, 0, 0, cv::INTER_AREA);
  out.scale_x = static_cast<double>(bgr.cols) / size.width;
  out.scale_y = static_cast<double>(bgr.rows) / size.height;
  return out;
}

ScaledImage fit_to_input(const cv::Mat& bgr, cv::Size input_size, bool keep_aspect) {
  ScaledImage out;
  if (!keep_aspect) {
    // bilinear, as the reference code of the stretched-input nets (ultraface, res10_ssd) resizes
    cv::resize(bgr, out.image, input_size, 0, 0, cv::INTER_LINEAR);
    out.scale_x = static_cast<double>(bgr.cols) / input_size.width;
    out.scale_y = static_cast<double>(bgr.rows) / input_size.height;
    return out;
  }
  const double f = std::min(static_cast<double>(input_size.width) / bgr.cols,
                            static_cast<double>(input_size.height) / bgr.rows);
  const cv::Size inner(std::clamp(static_cast<int>(std::lround(bgr.cols * f)), 1, input_size.width),
                       std::clamp(static_cast<int>(std::lround(bgr.rows * f)), 1, input_size.height));
  cv::Mat resized;
  cv::resize(bgr, resized, inner, 0, 0, f < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
  out.image = cv::Mat::zeros(input_size, bgr.type());
  resized.copyTo(out.image(cv::Rect(0, 0, inner.width, inner.height)));
  out.scale_x = static_cast<double>(bgr.cols) / inner.width;
  out.scale_y = static_cast<double>(bgr.rows) / inner.height;
  return out;
}

void map_to_input(std::vector<FaceDetection>& dets, double sx, double sy) {
  const auto fx = static_cast<float>(sx), fy = static_cast<float>(sy);
  for (auto& d : dets) {
    d.box = cv::Rect2f(d.box.x * fx, d.box.y * fy, d.box.width * fx, d.box.height * fy);
    for (auto& p : d.landmarks) p = cv::Point2f(p.x * fx, p.y * fy);
  }
}

std::vector<FaceDetection> finish_detections(std::vector<FaceDetection> dets,
                                             const CommonDetectorParams& c, cv::Size image_size) {
  const cv::Rect2f frame(0.0f, 0.0f, static_cast<float>(image_size.width),
                         static_cast<float>(image_size.height));
  std::vector<FaceDetection> kept;
  for (auto& d : dets) {
    if (!(d.score >= c.threshold)) continue;   // also drops NaN scores
    d.box &= frame;
    if (d.box.width < static_cast<float>(std::max(c.min_face_px, 1)) ||
        d.box.height < static_cast<float>(std::max(c.min_face_px, 1)))
      continue;
    kept.push_back(std::move(d));
  }
  return nms(std::move(kept), c.nms_iou);
}

void check_bgr_input(const cv::Mat& bgr, const std::string& plugin) {
  if (bgr.empty()) throw std::invalid_argument(plugin + ": empty image");
  if (bgr.type() != CV_8UC3)
    throw std::invalid_argument(plugin + ": expected an 8-bit 3-channel BGR image, got " +
                                std::to_string(bgr.channels()) + " channel(s) of depth " +
                                std::to_string(bgr.depth()));
}

std::string require_model_file(const std::string& path, const std::string& plugin,
                               const std::string& param, const Params& params) {
  const std::string where = params.origin.empty() ? plugin : params.origin + ": " + plugin;
  if (path.empty())
    throw ModelFileError(where + ": parameter '" + param +
                         "' is empty; pass the path of the model file (weights are never downloaded)");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ModelFileError(where + ": " + param + " file '" + path + "' does not exist or is not a file");
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw ModelFileError(where + ": " + param + " file '" + path + "' cannot be read");
  return path;
}

}  // namespace dflab
