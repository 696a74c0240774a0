#include "modalities/fusion/weighted_mean_fusion.h"

#include <numeric>
#include <stdexcept>
#include <string>

namespace dflab {

PluginInfo WeightedMeanFusion::info() {
  return {kind::fusion,
          "weighted_mean",
          "weighted average of the models' scores",
          {ParamSpec::required("weights", ParamType::real_list,
                               "one non-negative weight per model, in [[models]] order")
               .range(0.0, std::nullopt)}};
}

WeightedMeanFusion::WeightedMeanFusion(const Params& params) : weights_(params.reals("weights")) {
  const double total = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  if (weights_.empty() || total <= 0.0)
    throw std::invalid_argument(params.origin + ": weighted_mean needs weights with a positive sum");
  for (double& w : weights_) w /= total;
}

std::vector<double> WeightedMeanFusion::fuse(const ScoreMatrix& scores) const {
  const std::size_t n = check_score_matrix(scores);
  if (scores.size() != weights_.size())
    throw std::invalid_argument("weighted_mean has " + std::to_string(weights_.size()) +
                                " weights for " + std::to_string(scores.size()) + " models");
  std::vector<double> out(n, 0.0);
  for (std::size_t m = 0; m < scores.size(); ++m)
    for (std::size_t v = 0; v < n; ++v) out[v] += weights_[m] * scores[m][v];
  return out;
}

}  // namespace dflab
