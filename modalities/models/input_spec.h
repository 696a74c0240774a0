#pragma once
// What a model plugin eats: the modality and the shape of one sample. Torch-free, so the runner,
// datasets and the CLI can read it without pulling in libtorch.
//
//   InputSpec s = model->input();
//   s.shape(32);       // video {32, 3, 224, 224}; sequence {32, 8, 3, 224, 224}; audio {32, 1, 128, 256}
//   s.describe();      // "video [N, 3, 224, 224] float, ImageNet-normalised RGB"
//
// Shape contract of every model's forward (logits of "fake", before the sigmoid):
//   video    frames   [N, C, H, W]      float, normalised (mean/std)      -> [N]
//   sequence clips    [N, T, C, H, W]   T = frames, same per-frame layout -> [N]
//   audio    features [N, C, F, T]      F = height (mel bins / coefficients), T = width (frames) -> [N]

#include <cstdint>
#include <string>
#include <vector>

namespace dflab {

enum class Modality { video, sequence, audio };
const char* to_string(Modality m);

struct InputSpec {
  Modality modality = Modality::video;
  std::int64_t channels = 3;
  std::int64_t height = 224;   // pixels; audio: feature bins (mel bands, LFCC coefficients)
  std::int64_t width = 224;    // pixels; audio: frames
  std::int64_t frames = 1;     // sequence models: frames per clip; 1 otherwise
  std::string note;            // normalisation etc., one line

  // The batch shape forward expects, see the contract above.
  std::vector<std::int64_t> shape(std::int64_t batch) const;
  // "video [N, 3, 224, 224]" + note
  std::string describe() const;
};

}  // namespace dflab
