#include "modalities/av/mouth_crop.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <opencv2/imgproc.hpp>

namespace dflab {

void MouthCropOptions::validate() const {
  if (width < 8 || height < 8 || width > 1024 || height > 1024)
    throw std::invalid_argument("mouth crop: size must be 8..1024 px, got " + std::to_string(width) + "x" +
                                std::to_string(height));
  if (!(margin >= 1.0 && margin <= 4.0))
    throw std::invalid_argument("mouth crop: margin must be in [1, 4], got " + std::to_string(margin));
}

MouthCrop mouth_box(const FaceClip& clip, std::size_t i, const MouthCropOptions& o) {
  if (i >= clip.frames.size() && i >= clip.crop_boxes.size())
    throw std::out_of_range("mouth crop: no crop " + std::to_string(i) + " in " + clip.path);
  MouthCrop out;
  const double aspect = static_cast<double>(o.height) / o.width;
  if (i < clip.landmarks.size() && clip.landmarks[i].size() == 68) {
    float x0 = 1e30f, y0 = 1e30f, x1 = -1e30f, y1 = -1e30f;
    for (std::size_t k = 48; k < 68; ++k) {   // outer and inner lip contours (iBUG 300-W numbering)
      const cv::Point2f& p = clip.landmarks[i][k];
      x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    }
    const double w = std::max<double>(x1 - x0, (y1 - y0) / aspect) * o.margin;
    const double h = w * aspect;
    const double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
    out.box = cv::Rect2f(static_cast<float>(cx - w / 2), static_cast<float>(cy - h / 2), static_cast<float>(w),
                         static_cast<float>(h));
    out.from_landmarks = true;
    return out;
  }
  // The face box is in frame pixels; the crop is crop_box scaled to the crop's side.
  const cv::Rect2f& cb = clip.crop_boxes.at(i);
  const cv::Rect2f& fb = clip.face_boxes.at(i);
  const int side = i < clip.frames.size() ? clip.frames[i].cols : 0;
  if (cb.width <= 0 || side <= 0) throw std::out_of_range("mouth crop: crop " + std::to_string(i) + " of " + clip.path + " is empty");
  const float s = static_cast<float>(side) / cb.width;
  const cv::Rect2f face((fb.x - cb.x) * s, (fb.y - cb.y) * s, fb.width * s, fb.height * s);
  out.box = cv::Rect2f(face.x, face.y + face.height / 2, face.width, face.height / 2);
  return out;
}

MouthCrop cut_mouth(const FaceClip& clip, std::size_t i, const MouthCropOptions& o) {
  MouthCrop out = mouth_box(clip, i, o);
  const cv::Mat& crop = clip.frames.at(i);
  // box -> [0, width) x [0, height): an affine map, so a box partly outside the crop still works.
  const double sx = o.width / static_cast<double>(out.box.width), sy = o.height / static_cast<double>(out.box.height);
  const cv::Matx23d m(sx, 0, -out.box.x * sx, 0, sy, -out.box.y * sy);
  cv::warpAffine(crop, out.image, m, cv::Size(o.width, o.height), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace dflab
