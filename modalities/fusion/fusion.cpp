#include "modalities/fusion/fusion.h"

#include <stdexcept>
#include <string>

#include "modalities/fusion/confidence_weighted_fusion.h"
#include "modalities/fusion/max_fusion.h"
#include "modalities/fusion/mean_fusion.h"
#include "modalities/fusion/stacking_fusion.h"
#include "modalities/fusion/weighted_mean_fusion.h"

namespace dflab {

std::size_t check_score_matrix(const ScoreMatrix& scores) {
  if (scores.empty()) throw std::invalid_argument("fusion needs at least one model's scores");
  const std::size_t n = scores.front().size();
  for (std::size_t m = 1; m < scores.size(); ++m)
    if (scores[m].size() != n)
      throw std::invalid_argument("fusion: model " + std::to_string(m) + " has " +
                                  std::to_string(scores[m].size()) + " scores, model 0 has " +
                                  std::to_string(n));
  return n;
}

void register_fusion_plugins(Registry& registry) {
  registry.add<MeanFusion>(MeanFusion::info());
  registry.add<WeightedMeanFusion>(WeightedMeanFusion::info());
  registry.add<MaxFusion>(MaxFusion::info());
  registry.add<StackingFusion>(StackingFusion::info());
  registry.add<ConfidenceWeightedFusion>(ConfidenceWeightedFusion::info());
}

}  // namespace dflab
