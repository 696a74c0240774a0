#pragma once
// Test helpers for the face detectors: real frames cut out of the shared clips with the ffmpeg CLI
// (into a temp folder, read back with cv::imread), the model files in shared/models, and the
// reference face boxes of those frames.

#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "registry/registry.h"

namespace dflab::test {

// DFLAB_SHARED_DIR/<relative>, or nullopt when it does not exist.
std::optional<std::string> shared_path(const std::string& relative);

// Frame at `seconds` of the shared clip `relative` (e.g. "data/ffdv-sample/valset/x.mp4") as BGR,
// extracted once per process with `ffmpeg -ss SECONDS -i CLIP -frames:v 1 x.png`; empty Mat when
// the clip or ffmpeg is missing.
cv::Mat shared_frame(const std::string& relative, double seconds);

// A registry holding the face detector plugins.
Registry detector_registry();

// Defaults of detector `name`, with `model` set to its file under shared/models for the detectors
// that need one; nullopt when that file is absent.
std::optional<Params> detector_defaults(const Registry& registry, const std::string& name);

// Every built-in detector name, sorted.
std::vector<std::string> all_detector_names();

}  // namespace dflab::test
