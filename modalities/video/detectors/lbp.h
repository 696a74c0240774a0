#pragma once
// `lbp` face detector: OpenCV LBP cascade (frontal faces, faster than Haar); needs no model file.
// The cascade is Debian opencv-data's lbpcascade_frontalface_improved.xml; `cascade` overrides it.
//
//   auto det = registry.create<FaceDetector>(kind::face_detector, "lbp", registry.defaults(kind::face_detector, "lbp"));

#include "modalities/video/detectors/cascade_detector.h"

namespace dflab {

class LbpDetector : public CascadeDetector {
 public:
  explicit LbpDetector(const Params& params) : CascadeDetector(params, "lbp") {}
  static PluginInfo info();
};

}  // namespace dflab
