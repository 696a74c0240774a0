#include "modalities/video/detectors/cascade_detector.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace dflab {

std::vector<ParamSpec> CascadeDetector::cascade_params(const std::string& default_cascade,
                                                       std::int64_t default_min_neighbors) {
  CommonDefaults d;
  d.has_threshold = false;
  d.nms_iou = 0.3;
  d.min_face_px = 30;
  d.max_side_px = 640;
  return with_common_params(
      d, {ParamSpec::real("scale_factor", 1.1, "image pyramid step of detectMultiScale (> 1)")
              .range(1.01, 2.0),
          ParamSpec::integer("min_neighbors", default_min_neighbors,
                             "overlapping raw hits a box needs to be kept; higher = fewer false positives")
              .range(0, 100),
          ParamSpec::string("cascade", default_cascade, "cascade XML file (OpenCV format)").as_path(PathRole::input_file)});
}

CascadeDetector::CascadeDetector(const Params& params, std::string name)
    : name_(std::move(name)),
      common_(CommonDetectorParams::from(params)),
      scale_factor_(params.real("scale_factor")),
      min_neighbors_(static_cast<int>(params.integer("min_neighbors"))) {
  const std::string path = require_model_file(params.string("cascade"), name_, "cascade", params);
  bool loaded = false;
  try {
    loaded = cascade_.load(path);
  } catch (const cv::Exception& e) {   // a malformed XML throws from cv::FileStorage
    throw ModelFileError(name_ + ": cannot read cascade '" + path + "': " + e.what());
  }
  if (!loaded) throw ModelFileError(name_ + ": '" + path + "' is not an OpenCV cascade classifier file");
}

std::vector<FaceDetection> CascadeDetector::detect(const cv::Mat& bgr) {
  check_bgr_input(bgr, name_);
  const ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
  cv::Mat grey;
  cv::cvtColor(small.image, grey, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(grey, grey);
  // min_face is in input pixels; the cascade sees the downscaled image.
  const double scale = std::max(small.scale_x, small.scale_y);
  const int min_side = std::max(1, static_cast<int>(std::floor(common_.min_face_px / scale)));
  std::vector<cv::Rect> rects;
  cascade_.detectMultiScale(grey, rects, scale_factor_, min_neighbors_, 0, cv::Size(min_side, min_side));
  std::vector<FaceDetection> dets;
  dets.reserve(rects.size());
  for (const cv::Rect& r : rects) dets.push_back({cv::Rect2f(r), 1.0f, {}});
  map_to_input(dets, small.scale_x, small.scale_y);
  return finish_detections(std::move(dets), common_, bgr.size());
}

}  // namespace dflab
