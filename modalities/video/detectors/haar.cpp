#include "modalities/video/detectors/haar.h"

namespace dflab {

PluginInfo HaarDetector::info() {
  return {kind::face_detector, "haar", "OpenCV Haar cascade (Viola-Jones, frontal faces); needs no model file",
          cascade_params(DFLAB_OPENCV_DATA_DIR "/haarcascades/haarcascade_frontalface_default.xml", /*default_min_neighbors=*/5)};
}

}  // namespace dflab
