#include "modalities/fusion/max_fusion.h"

#include <algorithm>

namespace dflab {

PluginInfo MaxFusion::info() {
  return {kind::fusion, "max", "maximum of the models' scores (fake if any modality is fake)", {}};
}

std::vector<double> MaxFusion::fuse(const ScoreMatrix& scores) const {
  const std::size_t n = check_score_matrix(scores);
  std::vector<double> out = scores.front();
  for (const auto& model : scores)
    for (std::size_t v = 0; v < n; ++v) out[v] = std::max(out[v], model[v]);
  return out;
}

}  // namespace dflab
