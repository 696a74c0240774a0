#pragma once
// Adds every built-in face_detector plugin (haar, lbp, dlib_hog, yunet, ultraface, res10_ssd,
// blazeface, mtcnn) to a registry; called from experiments/builtin_plugins.cpp.

#include "registry/registry.h"

namespace dflab {

// The detector to use when an experiment names none: the best one that needs no model file on the
// shared clips (reports/face_detectors.md). With weights, "yunet" is faster and as accurate.
inline constexpr const char* default_face_detector = "dlib_hog";

void register_face_detector_plugins(Registry& registry);

}  // namespace dflab
