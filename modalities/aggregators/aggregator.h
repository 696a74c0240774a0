#pragma once
// Aggregator plugins (kind "aggregator") turn one video's frame (or clip) scores into one video
// score, all probabilities of "fake" in [0, 1].
//
//   auto agg = registry.create<Aggregator>(kind::aggregator, "topk_mean", params);
//   double video_score = agg->aggregate(frame_scores);

#include <vector>

#include "registry/registry.h"

namespace dflab {

class Aggregator : public Plugin {
 public:
  // Throws std::invalid_argument on an empty list: a video with no scored frame has no score,
  // and the caller decides what prior to give it.
  virtual double aggregate(const std::vector<double>& frame_scores) const = 0;
};

void register_aggregator_plugins(Registry& registry);

}  // namespace dflab
