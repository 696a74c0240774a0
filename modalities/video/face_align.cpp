#include "modalities/video/face_align.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include <dlib/image_processing/shape_predictor.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/imgproc.hpp>

namespace dflab {

struct LandmarkAligner::Impl {
  dlib::shape_predictor predictor;
};

LandmarkAligner::LandmarkAligner(const std::string& model_path) : impl_(std::make_unique<Impl>()) {
  std::ifstream probe(model_path, std::ios::binary);
  if (!probe) throw std::runtime_error(model_path + ": landmark model not found (Debian: libdlib-data)");
  try {
    dlib::deserialize(model_path) >> impl_->predictor;
  } catch (const std::exception& e) {
    throw std::runtime_error(model_path + ": not a dlib shape predictor: " + e.what());
  }
  if (impl_->predictor.num_parts() != 68)
    throw std::runtime_error(model_path + ": expected 68 landmarks, model has " +
                             std::to_string(impl_->predictor.num_parts()));
}

LandmarkAligner::~LandmarkAligner() = default;

std::vector<cv::Point2f> LandmarkAligner::landmarks(const cv::Mat& bgr, const cv::Rect2f& box) const {
  if (bgr.empty() || bgr.type() != CV_8UC3) throw std::invalid_argument("landmarks: need an 8-bit BGR image");
  dlib::cv_image<dlib::bgr_pixel> img(bgr);
  const dlib::rectangle r(static_cast<long>(std::lround(box.x)), static_cast<long>(std::lround(box.y)),
                          static_cast<long>(std::lround(box.x + box.width)) - 1,
                          static_cast<long>(std::lround(box.y + box.height)) - 1);
  const dlib::full_object_detection shape = impl_->predictor(img, r);
  std::vector<cv::Point2f> out;
  out.reserve(shape.num_parts());
  for (unsigned long i = 0; i < shape.num_parts(); ++i)
    out.emplace_back(static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y()));
  return out;
}

AlignedFace align_face(const cv::Mat& bgr, const std::vector<cv::Point2f>& lm, int size, float margin) {
  if (lm.size() != 68)
    throw std::invalid_argument("align_face: need 68 landmarks, got " + std::to_string(lm.size()));
  if (size < 1 || !(margin >= 1.0f)) throw std::invalid_argument("align_face: bad size or margin");
  auto centre = [&](int from) {
    cv::Point2f c(0, 0);
    for (int i = from; i < from + 6; ++i) c += lm[i];
    return c * (1.0f / 6.0f);
  };
  const cv::Point2f left = centre(36), right = centre(42);   // as seen in the image
  // Template eye centres, scaled about the crop centre by 1.3 / margin.
  const float k = 1.3f / margin, s = static_cast<float>(size);
  const cv::Point2f lt((0.5f + (kTemplateLeftEyeX - 0.5f) * k) * s, (0.5f + (kTemplateEyeY - 0.5f) * k) * s);
  const cv::Point2f rt((0.5f + (kTemplateRightEyeX - 0.5f) * k) * s, lt.y);
  const cv::Point2f ds = right - left, dd = rt - lt;
  const double src_len = std::hypot(ds.x, ds.y);
  if (src_len < 1e-3) throw std::invalid_argument("align_face: eye centres coincide");
  const double scale = std::hypot(dd.x, dd.y) / src_len;
  const double angle = std::atan2(dd.y, dd.x) - std::atan2(ds.y, ds.x);
  const double a = scale * std::cos(angle), b = scale * std::sin(angle);
  cv::Mat m = (cv::Mat_<double>(2, 3) << a, -b, lt.x - (a * left.x - b * left.y),
               b, a, lt.y - (b * left.x + a * left.y));
  AlignedFace out;
  cv::warpAffine(bgr, out.crop, m, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(0));
  out.transform = m;
  cv::transform(lm, out.landmarks, m);
  return out;
}

}  // namespace dflab
