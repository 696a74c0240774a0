#pragma once
// A video's audio-visual offset curve (modalities/av/sync_curve.h), as SyncNet's demo finds it:
// every stack of T consecutive sampled frames' mouths is paired with the audio window of its
// middle frame d sampled frames later, d = -max_offset..max_offset; the model's out-of-sync logit,
// averaged over the stacks, gives one value per offset.
//
//   AvClip clip = *av_cache.load(path, params);                 // dense sampling: every frame
//   SyncCurve c = sync_curve(model, clip, norm, {/*max_offset=*/15});
//   c.offset_frames;   // > 0: the audio comes late (a mouth's sound is d frames after it)
//
// Works with any audio-visual model (av_sync, av_joint): it only calls forward_av. Offsets count
// sampled frames; with every frame sampled they are video frames (offset_ms converts through the
// median spacing of the frames' timestamps).

#include <vector>

#include <torch/torch.h>

#include "experiments/training/sample_source.h"
#include "modalities/av/av_clip.h"
#include "modalities/av/models/av_model.h"
#include "modalities/av/sync_curve.h"

namespace dflab {

struct SyncCurveOptions {
  int max_offset = 15;              // sampled frames either way
  int batch = 128;                  // pairs per forward pass
  torch::Device device = torch::kCPU;
};


// Throws std::invalid_argument when the clip has fewer sampled frames than the model's stack, or
// its mouths / audio windows do not have the model's shapes.
SyncCurve sync_curve(AvModel& model, const AvClip& clip, const InputNormalisation& norm, const SyncCurveOptions& options);

}  // namespace dflab
