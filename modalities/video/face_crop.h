#pragma once
// Square face crops with a margin, padded where they run past the frame, resized to the size a
// model asks for.
//
//   cv::Rect2f box = square_box(face_box, /*margin=*/1.3f);   // 1.3 × the longer side, same centre
//   cv::Mat crop = crop_square(frame, box, /*size=*/224);      // 224×224 BGR
//   auto pts = to_crop_coords(landmarks, box, 224);            // landmarks in crop pixels
//
// ref: DFDC 1st place (selimsef/dfdc_deepfake_challenge) crops the MTCNN box enlarged by 1/3 on
// each side pair (≈1.3×) and pads at the border; many solutions use 1.3–1.5×.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace dflab {

enum class CropBorder {
  constant,   // black outside the frame
  replicate,  // edge pixels repeated
};

struct CropOptions {
  int size = 224;            // output side, pixels
  float margin = 1.3f;       // crop side = margin × the face box's longer side
  CropBorder border = CropBorder::constant;

  // Throws std::invalid_argument for size < 1 or margin < 1.
  void validate() const;
  std::string canonical() const;   // "size=224;margin=1.3;border=constant"
};

// A square box centred on `face`, side = margin × max(width, height). May extend past the frame.
cv::Rect2f square_box(const cv::Rect2f& face, float margin);
// The largest centred square of an image of this size (the no-face fallback).
cv::Rect2f centre_box(cv::Size image);
// Cuts `box` (frame pixels, may lie partly outside) out of `image`, pads, resizes to size × size.
// Throws std::invalid_argument for an empty image or box.
cv::Mat crop_square(const cv::Mat& image, const cv::Rect2f& box, int size,
                    CropBorder border = CropBorder::constant);
// Frame-pixel points → crop-pixel points for a crop of `box` resized to `size`.
std::vector<cv::Point2f> to_crop_coords(const std::vector<cv::Point2f>& points, const cv::Rect2f& box,
                                        int size);

}  // namespace dflab
