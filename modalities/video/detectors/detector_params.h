#pragma once
// What every face detector shares: the common parameters (score threshold, NMS overlap, minimum
// face size, detection on a downscaled frame) and the plumbing around them.
//
//   static PluginInfo info() {
//     return {kind::face_detector, "foo", "one line",
//             with_common_params(CommonDefaults{/*threshold=*/0.7, /*nms_iou=*/0.3}, {own specs...})};
//   }
//   FooDetector(const Params& p) : common_(CommonDetectorParams::from(p)) {}
//   std::vector<FaceDetection> detect(const cv::Mat& bgr) {
//     check_bgr_input(bgr, "foo");
//     ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
//     std::vector<FaceDetection> dets = ...;            // in small.image's pixels
//     map_to_input(dets, small.scale_x, small.scale_y);  // back to bgr's pixels
//     return finish_detections(std::move(dets), common_, bgr.size());
//   }

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "modalities/video/face_detector.h"
#include "registry/params.h"

namespace dflab {

// Per-detector defaults of the common parameters.
struct CommonDefaults {
  double threshold = 0.5;
  double nms_iou = 0.3;
  std::int64_t min_face_px = 20;
  std::int64_t max_side_px = 0;      // 0: detect at full resolution
  bool has_threshold = true;         // false for detectors without a score (cascades)
  double threshold_min = 0.0;        // range of the threshold (a probability unless said otherwise)
  double threshold_max = 1.0;
  std::string threshold_doc = "minimum face probability kept";
};

// `threshold` (when has_threshold), `nms_iou`, `min_face`, `max_side`, followed by `own`.
std::vector<ParamSpec> with_common_params(const CommonDefaults& defaults, std::vector<ParamSpec> own);

struct CommonDetectorParams {
  float threshold = -std::numeric_limits<float>::infinity();   // -inf: no score threshold
  float nms_iou = 0.3f;
  int min_face_px = 0;
  int max_side_px = 0;

  static CommonDetectorParams from(const Params& params);
};

// An image given to a detector and how to go back: input px = image px * scale.
struct ScaledImage {
  cv::Mat image;
  double scale_x = 1.0;
  double scale_y = 1.0;
};

// Shrinks `bgr` so its longer side is at most max_side_px (INTER_AREA); unchanged (no copy) when
// max_side_px is 0 or the image is already small enough.
ScaledImage downscale_to_max_side(const cv::Mat& bgr, int max_side_px);

// Resizes `bgr` to a network's fixed input size. keep_aspect: scale uniformly (INTER_AREA when
// shrinking) and pad the right and bottom with black (letterbox); otherwise stretch each axis
// bilinearly, as cv2.resize does in the reference code of those nets.
ScaledImage fit_to_input(const cv::Mat& bgr, cv::Size input_size, bool keep_aspect);

// Multiplies boxes and landmarks by the scales (detected image px → input px).
void map_to_input(std::vector<FaceDetection>& dets, double scale_x, double scale_y);

// Clips boxes to the image, drops boxes under the threshold or with a side < min_face_px, applies
// NMS with nms_iou and sorts by score (highest first).
std::vector<FaceDetection> finish_detections(std::vector<FaceDetection> dets,
                                             const CommonDetectorParams& common,
                                             cv::Size image_size);

// Throws std::invalid_argument unless `bgr` is a non-empty 8-bit 3-channel image.
void check_bgr_input(const cv::Mat& bgr, const std::string& plugin);

// A model file the user named is missing or unreadable.
class ModelFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns `path` when it names a readable regular file; otherwise throws ModelFileError naming the
// plugin, the parameter and the path. `param` is the parameter that gave the path.
std::string require_model_file(const std::string& path, const std::string& plugin,
                               const std::string& param, const Params& params);

}  // namespace dflab
