#include "modalities/video/detectors/register_detectors.h"

#include "modalities/video/detectors/blazeface.h"
#include "modalities/video/detectors/dlib_hog.h"
#include "modalities/video/detectors/haar.h"
#include "modalities/video/detectors/lbp.h"
#include "modalities/video/detectors/mtcnn.h"
#include "modalities/video/detectors/res10_ssd.h"
#include "modalities/video/detectors/ultraface.h"
#include "modalities/video/detectors/yunet.h"

namespace dflab {

void register_face_detector_plugins(Registry& registry) {
  // Need no model file:
  registry.add<HaarDetector>(HaarDetector::info());
  registry.add<LbpDetector>(LbpDetector::info());
  registry.add<DlibHogDetector>(DlibHogDetector::info());
  // Need the `model` the user passes:
  registry.add<YunetDetector>(YunetDetector::info());
  registry.add<UltrafaceDetector>(UltrafaceDetector::info());
  registry.add<Res10SsdDetector>(Res10SsdDetector::info());
  registry.add<BlazefaceDetector>(BlazefaceDetector::info());
  registry.add<MtcnnDetector>(MtcnnDetector::info());
}

}  // namespace dflab
