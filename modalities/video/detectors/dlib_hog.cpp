#include "modalities/video/detectors/dlib_hog.h"

#include <cmath>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>
#include <dlib/opencv/cv_image.h>

namespace dflab {

namespace {
// get_frontal_face_detector() decodes and deserialises the compiled-in weights (~1 s); do it once
// per process (thread-safe static) and give each detector its own copy (the scanner keeps buffers).
const dlib::frontal_face_detector& frontal_face_prototype() {
  static const dlib::frontal_face_detector prototype = dlib::get_frontal_face_detector();
  return prototype;
}
}  // namespace

struct DlibHogDetector::Impl {
  dlib::frontal_face_detector detector = frontal_face_prototype();
};

PluginInfo DlibHogDetector::info() {
  CommonDefaults d;
  d.threshold = 0.0;
  d.threshold_min = -3.0;
  d.threshold_max = 3.0;
  d.threshold_doc = "minimum SVM margin kept (dlib adjust_threshold; lower finds more faces and more false ones)";
  d.nms_iou = 0.3;
  d.min_face_px = 30;
  d.max_side_px = 640;
  return {kind::face_detector, "dlib_hog",
          "dlib's HOG + linear SVM frontal face detector; needs no model file",
          with_common_params(d, {ParamSpec::integer("upsample", 0,
                                                    "times the (downscaled) image is doubled before detection, "
                                                    "to find faces under ~80 px (each step costs ~4x)")
                                     .range(0, 3)})};
}

DlibHogDetector::DlibHogDetector(const Params& params)
    : impl_(std::make_unique<Impl>()),
      common_(CommonDetectorParams::from(params)),
      upsample_(static_cast<int>(params.integer("upsample"))) {}

DlibHogDetector::~DlibHogDetector() = default;

std::vector<FaceDetection> DlibHogDetector::detect(const cv::Mat& bgr) {
  check_bgr_input(bgr, "dlib_hog");
  const ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
  std::vector<dlib::rect_detection> found;
  double up = 1.0;
  if (upsample_ == 0) {
    const dlib::cv_image<dlib::bgr_pixel> view(small.image);
    impl_->detector(view, found, common_.threshold);
  } else {
    dlib::array2d<dlib::rgb_pixel> img;
    dlib::assign_image(img, dlib::cv_image<dlib::bgr_pixel>(small.image));
    for (int i = 0; i < upsample_; ++i) {
      dlib::pyramid_up(img);
      up *= 2.0;
    }
    impl_->detector(img, found, common_.threshold);
  }
  std::vector<FaceDetection> dets;
  for (const auto& f : found) {
    const dlib::rectangle& r = f.rect;
    // dlib rectangles are inclusive: right - left + 1 pixels wide.
    dets.push_back({cv::Rect2f(static_cast<float>(r.left() / up), static_cast<float>(r.top() / up),
                               static_cast<float>((r.width()) / up), static_cast<float>(r.height() / up)),
                    static_cast<float>(f.detection_confidence),
                    {}});
  }
  map_to_input(dets, small.scale_x, small.scale_y);
  return finish_detections(std::move(dets), common_, bgr.size());
}

}  // namespace dflab
