#pragma once
// Frame-level ROC AUC: every frame score (a crop, a clip or an audio window, scored before the
// aggregator makes the video's score) counts as one sample with its video's label. DeepfakeBench
// reports it beside the video-level AUC; a model that is right on a video's mean but unsure on
// most of its frames shows here.
//
//   MetricResult r = frame_level_auc({1, 0}, {{0.9, 0.7, 0.8}, {0.2, 0.6}});   // name "frame_auc"
//   if (!r.value) why(r.note);
//
// ref: sklearn.metrics.roc_auc_score over the flattened frames; tests/metrics/fixtures/
//      make_frame_fixtures.py writes the reference values.

#include <vector>

#include "metrics/binary_metrics.h"

namespace dflab {

// value: the AUC; note: "<n> frames of <m> videos". nullopt (note says why) when no video has a
// frame or the frames hold one class only. Throws std::invalid_argument when the sizes differ, a
// label is not 0/1 or a score is not finite.
MetricResult frame_level_auc(const std::vector<int>& video_labels,
                             const std::vector<std::vector<double>>& frame_scores);

}  // namespace dflab
