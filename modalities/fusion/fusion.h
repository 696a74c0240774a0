#pragma once
// Fusion plugins (kind "fusion") combine the per-video scores of several models into one score.
//
//   auto fusion = registry.create<Fusion>(kind::fusion, "weighted_mean", params);
//   fusion->fit(val_scores, val_labels);          // learns nothing for fixed rules
//   std::vector<double> fused = fusion->fuse(test_scores);
//
// Scores are probabilities of "fake" in [0, 1]. scores[m][v] is model m's score for video v.

#include <vector>

#include "registry/registry.h"

namespace dflab {

using ScoreMatrix = std::vector<std::vector<double>>;   // [model][video]

class Fusion : public Plugin {
 public:
  // Learns from validation scores and labels (0 real, 1 fake); fixed rules ignore it.
  virtual void fit(const ScoreMatrix& scores, const std::vector<int>& labels) {
    (void)scores;
    (void)labels;
  }
  // One fused score per video. Throws std::invalid_argument when models disagree on the count.
  virtual std::vector<double> fuse(const ScoreMatrix& scores) const = 0;
};

// Checks every model gives the same number of videos; returns that number.
std::size_t check_score_matrix(const ScoreMatrix& scores);

void register_fusion_plugins(Registry& registry);

}  // namespace dflab
