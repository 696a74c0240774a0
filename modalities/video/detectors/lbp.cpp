#include "modalities/video/detectors/lbp.h"

namespace dflab {

PluginInfo LbpDetector::info() {
  return {kind::face_detector, "lbp", "OpenCV LBP cascade (frontal faces, faster than Haar); needs no model file",
          cascade_params(DFLAB_OPENCV_DATA_DIR "/lbpcascades/lbpcascade_frontalface_improved.xml", /*default_min_neighbors=*/3)};
}

}  // namespace dflab
