#pragma once
// The audio-visual offset curve of one video and what is read from it, as SyncNet's demo does:
// one mean "out of sync" value per audio offset; the offset is where the curve is lowest, and
// the confidence is how far its median lies above that minimum (a flat curve: no voice belongs
// to these mouths). Torch-free: experiments/training/av_sync_curve.h fills it with a model.
//
//   SyncCurve c;  c.offsets = {-2, ..., 2};  c.logit = {...};  c.frame_interval_s = 0.04;
//   settle_sync_curve(c);   // c.offset_frames, c.offset_ms, c.confidence

#include <vector>

namespace dflab {

struct SyncCurve {
  std::vector<int> offsets;         // -max_offset..max_offset
  std::vector<double> logit;        // mean out-of-sync logit per offset; NaN where no stack had that audio
  std::vector<int> stacks;          // stacks averaged at each offset
  int offset_frames = 0;            // argmin of logit
  double offset_ms = 0.0;           // offset_frames x frame_interval_s
  double confidence = 0.0;          // median(logit) - min(logit), SyncNet's AV confidence
  double in_sync_probability = 0.0; // mean over the stacks of sigmoid(-logit) at offset 0
  double frame_interval_s = 0.0;    // median spacing of the sampled frames' timestamps
};

// The median spacing of sampled frames' timestamps (0 with fewer than two): what an offset of one
// sampled frame is in seconds.
double median_frame_interval(const std::vector<double>& timestamps_s);

// offset_frames (ties: the offset nearest zero), offset_ms and confidence from offsets, logit and
// frame_interval_s. NaN logits (no stack had that audio) are left out.
void settle_sync_curve(SyncCurve& curve);

// The part of `curve` over -max_offset..max_offset (which its offsets must hold), settled again:
// what a search over that narrower range would have found. Throws std::invalid_argument otherwise.
SyncCurve narrow_sync_curve(const SyncCurve& curve, int max_offset);

// The curve of several models of one run (k-fold checkpoints) on the same clip: logits and
// in-sync probabilities averaged, offset and confidence settled again. Throws
// std::invalid_argument for no curve or curves over different offsets.
SyncCurve mean_sync_curve(const std::vector<SyncCurve>& curves);

}  // namespace dflab
