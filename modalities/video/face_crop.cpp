#include "modalities/video/face_crop.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace dflab {

namespace {

// The pixel rectangle a float box covers: both the crop and the landmark mapping use this one.
cv::Rect pixel_box(const cv::Rect2f& box) {
  const int x = static_cast<int>(std::lround(box.x));
  const int y = static_cast<int>(std::lround(box.y));
  const int w = std::max(1, static_cast<int>(std::lround(box.width)));
  const int h = std::max(1, static_cast<int>(std::lround(box.height)));
  return {x, y, w, h};
}

}  // namespace

void CropOptions::validate() const {
  if (size < 1) throw std::invalid_argument("crop: size must be >= 1, got " + std::to_string(size));
  if (!(margin >= 1.0f))
    throw std::invalid_argument("crop: margin must be >= 1, got " + std::to_string(margin));
}

std::string CropOptions::canonical() const {
  std::ostringstream os;
  os << "size=" << size << ";margin=" << margin
     << ";border=" << (border == CropBorder::constant ? "constant" : "replicate");
  return os.str();
}

cv::Rect2f square_box(const cv::Rect2f& face, float margin) {
  const float side = margin * std::max(face.width, face.height);
  const float cx = face.x + face.width / 2, cy = face.y + face.height / 2;
  return {cx - side / 2, cy - side / 2, side, side};
}

cv::Rect2f centre_box(cv::Size image) {
  const float side = static_cast<float>(std::min(image.width, image.height));
  return {(image.width - side) / 2.0f, (image.height - side) / 2.0f, side, side};
}

cv::Mat crop_square(const cv::Mat& image, const cv::Rect2f& box, int size, CropBorder border) {
  if (image.empty()) throw std::invalid_argument("crop_square: empty image");
  if (!(box.width > 0 && box.height > 0)) throw std::invalid_argument("crop_square: empty box");
  if (size < 1) throw std::invalid_argument("crop_square: size must be >= 1");
  const cv::Rect r = pixel_box(box);
  const cv::Rect inside = r & cv::Rect(0, 0, image.cols, image.rows);
  cv::Mat region;
  if (inside.empty()) {
    region = cv::Mat::zeros(r.height, r.width, image.type());
  } else if (inside == r) {
    region = image(r);
  } else {
    cv::copyMakeBorder(image(inside), region, inside.y - r.y, r.br().y - inside.br().y,
                       inside.x - r.x, r.br().x - inside.br().x,
                       border == CropBorder::constant ? cv::BORDER_CONSTANT : cv::BORDER_REPLICATE,
                       cv::Scalar::all(0));
  }
  cv::Mat out;
  // INTER_AREA when shrinking (no aliasing), linear when enlarging.
  cv::resize(region, out, cv::Size(size, size), 0, 0,
             r.width > size ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

std::vector<cv::Point2f> to_crop_coords(const std::vector<cv::Point2f>& points,
                                        const cv::Rect2f& box, int size) {
  const cv::Rect r = pixel_box(box);
  const float sx = static_cast<float>(size) / r.width, sy = static_cast<float>(size) / r.height;
  std::vector<cv::Point2f> out;
  out.reserve(points.size());
  for (const auto& p : points) out.emplace_back((p.x - r.x) * sx, (p.y - r.y) * sy);
  return out;
}

}  // namespace dflab
