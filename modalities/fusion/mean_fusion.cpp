#include "modalities/fusion/mean_fusion.h"

namespace dflab {

PluginInfo MeanFusion::info() { return {kind::fusion, "mean", "average of the models' scores", {}}; }

std::vector<double> MeanFusion::fuse(const ScoreMatrix& scores) const {
  const std::size_t n = check_score_matrix(scores);
  std::vector<double> out(n, 0.0);
  for (const auto& model : scores)
    for (std::size_t v = 0; v < n; ++v) out[v] += model[v] / static_cast<double>(scores.size());
  return out;
}

}  // namespace dflab
