#pragma once
// `haar` face detector: OpenCV Haar cascade (Viola-Jones, frontal faces); needs no model file.
// The cascade is Debian opencv-data's haarcascade_frontalface_default.xml; `cascade` overrides it.
//
//   auto det = registry.create<FaceDetector>(kind::face_detector, "haar", registry.defaults(kind::face_detector, "haar"));

#include "modalities/video/detectors/cascade_detector.h"

namespace dflab {

class HaarDetector : public CascadeDetector {
 public:
  explicit HaarDetector(const Params& params) : CascadeDetector(params, "haar") {}
  static PluginInfo info();
};

}  // namespace dflab
