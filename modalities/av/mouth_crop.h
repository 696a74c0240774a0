#pragma once
// The mouth region of a face crop, for audio-visual models.
//
//   MouthCropOptions m;                        // 96 x 48 px, margin 1.6
//   MouthCrop mc = cut_mouth(clip, i, m);      // clip: a FaceClip (face_extractor.h), i: crop index
//   use(mc.image, mc.from_landmarks);
//
// With dlib's 68 landmarks on the crop (FaceClip::landmarks, [video] crop.landmarks = "dlib68",
// or align = true) the box is centred on the mouth (points 48-67), as wide as the lips times
// `margin` (or as tall, by the output's aspect, when the mouth is wide open). Without them: the
// lower half of the tracked face box, mapped into the crop. Parts of the box outside the crop
// repeat its border.

#include <cstddef>

#include <opencv2/core.hpp>

#include "modalities/video/face_extractor.h"

namespace dflab {

struct MouthCropOptions {
  int width = 96, height = 48;   // output, pixels
  double margin = 1.6;           // landmark box: the lips' extent times this
  void validate() const;         // throws std::invalid_argument naming the bad value
};

struct MouthCrop {
  cv::Mat image;                 // height x width BGR
  cv::Rect2f box;                // where it was cut, in crop pixels
  bool from_landmarks = false;   // false: lower half of the face box
};

// The box in crop pixels (see above). Throws std::out_of_range for an index without a crop.
MouthCrop mouth_box(const FaceClip& clip, std::size_t i, const MouthCropOptions& options);
// The box and its pixels from clip.frames[i].
MouthCrop cut_mouth(const FaceClip& clip, std::size_t i, const MouthCropOptions& options);

}  // namespace dflab
