#pragma once
// What the training engine reads: a list of videos, each offering "units" — face crops, clips of
// T crops, or windows of an audio feature — that load one at a time as AugmentSamples. Torch-free;
// the batch loader turns samples into tensors.
//
//   FaceCropSource train(videos, face_cache, face_params, model_input);   // face_crop_source.h
//   for (std::size_t i = 0; i < train.size(); ++i)
//     for (std::size_t u = 0; u < train.units(i); ++u) AugmentSample s = train.load(i, u, nullptr);
//
// A video with no unit (no face track under the "prior" policy, no audio, a failed decode) is
// left out of training and gets the prior score at prediction time. Loading never keeps more
// than the requested unit in memory: a dataset's crops are never held in RAM.

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "modalities/augment/augmentation.h"

namespace dflab {

struct SourceVideo {
  std::string id;
  std::optional<int> label;   // 0 real, 1 fake; nullopt for test videos
  int original = -1;          // index (in this source) of a fake's original video, -1 if none
};

// Per-channel normalisation applied after augmentation: (x - mean) / std.
struct InputNormalisation {
  std::vector<float> mean, std;   // one value per channel (RGB order for video)
  // The raw value of an absent input: audio "silence" policy fills a missing track with the
  // training features' floor (their minimum, in dB), or the feature's own silence (waveform: 0).
  // Unused for video.
  float silence = 0.0f;
};

class SampleSource {
 public:
  virtual ~SampleSource() = default;
  virtual AugmentModality modality() const = 0;
  virtual std::size_t size() const = 0;
  virtual const SourceVideo& video(std::size_t i) const = 0;
  // Units of video i at inference: crops (frame models), clips of T crops (sequence models) or
  // windows of the model's width (audio). 0 when the video has nothing usable.
  virtual std::size_t units(std::size_t i) const = 0;
  // Unit u < units(i). With `jitter` (training) a source may move the unit at random within the
  // video (a random audio window, a random clip start); without it the result is deterministic.
  // Throws std::runtime_error naming the file when a cached unit cannot be read.
  virtual AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const = 0;
  virtual InputNormalisation normalisation() const = 0;
  // Why video i has no unit ("no_face", "no_audio_stream", ...); empty when it has some.
  virtual std::string missing_reason(std::size_t i) const = 0;
};

}  // namespace dflab
