#pragma once
// Optional face alignment with dlib's 68-point landmark model (Debian libdlib-data): landmarks
// inside a detected box, then a similarity transform (rotation, scale, shift) that puts the eye
// centres on a canonical template, so every crop shows the face upright at the same place.
//
//   LandmarkAligner aligner;                                  // loads the .dat once (~100 MB)
//   auto pts = aligner.landmarks(frame, face_box);            // 68 points, frame pixels
//   AlignedFace a = align_face(frame, pts, /*size=*/224, /*margin=*/1.3f);
//   a.crop;  a.landmarks;                                     // 68 points in crop pixels
//
// ref: dlib's get_face_chip_details / the 68-point iBUG 300-W layout (eyes 36–41 and 42–47).
// One LandmarkAligner may serve several threads at once (load the 100 MB model once): landmarks()
// keeps no state, and dlib's shape_predictor needs no synchronisation (shape_predictor_abstract.h,
// "THREAD SAFETY").

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace dflab {

inline constexpr const char* kDlibLandmarkModel = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";

class LandmarkAligner {
 public:
  // Throws std::runtime_error naming the file when it is missing or not a shape predictor.
  explicit LandmarkAligner(const std::string& model_path = kDlibLandmarkModel);
  ~LandmarkAligner();
  LandmarkAligner(const LandmarkAligner&) = delete;
  LandmarkAligner& operator=(const LandmarkAligner&) = delete;

  // 68 landmarks of the face in `box` (frame pixels) of an 8-bit BGR frame.
  std::vector<cv::Point2f> landmarks(const cv::Mat& bgr, const cv::Rect2f& box) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct AlignedFace {
  cv::Mat crop;                          // size × size BGR
  cv::Mat transform;                     // 2×3 CV_64F, frame pixels → crop pixels
  std::vector<cv::Point2f> landmarks;    // the input landmarks in crop pixels
};

// Eye centres of the template, as fractions of the crop side, for margin 1.3; a larger margin
// shrinks the face around the crop centre.
inline constexpr float kTemplateLeftEyeX = 0.345f, kTemplateRightEyeX = 0.655f, kTemplateEyeY = 0.40f;

// Throws std::invalid_argument unless `landmarks68` has 68 points.
AlignedFace align_face(const cv::Mat& bgr, const std::vector<cv::Point2f>& landmarks68, int size,
                       float margin = 1.3f);

}  // namespace dflab
