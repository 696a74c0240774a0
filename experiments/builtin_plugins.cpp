#include "experiments/builtin_plugins.h"

#include "modalities/aggregators/aggregator.h"
#include "modalities/augment/augmentation.h"
#include "modalities/audio/audio_feature.h"
#include "modalities/fusion/fusion.h"
#include "modalities/video/detectors/register_detectors.h"

namespace dflab {

void register_torch_free_plugins(Registry& registry) {
  register_aggregator_plugins(registry);
  register_augmentation_plugins(registry);
  register_fusion_plugins(registry);
  register_audio_feature_plugins(registry);
  register_face_detector_plugins(registry);
}

}  // namespace dflab
