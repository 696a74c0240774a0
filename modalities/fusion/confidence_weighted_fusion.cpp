#include "modalities/fusion/confidence_weighted_fusion.h"

namespace dflab {

namespace {
ConfidenceWeighting fusion_defaults() {
  ConfidenceWeighting w;
  w.sharpen = "none";
  w.clip_low = 0.0;
  w.clip_high = 1.0;
  return w;
}
}  // namespace

PluginInfo ConfidenceWeightedFusion::info() {
  return {kind::fusion, "confidence_weighted",
          "per video, the models' scores weighted by their confidence |p-0.5|^k + eps (optionally sharpened)",
          confidence_weighting_params(fusion_defaults())};
}

ConfidenceWeightedFusion::ConfidenceWeightedFusion(const Params& params) : w_(confidence_weighting_from(params)) {}

std::vector<double> ConfidenceWeightedFusion::fuse(const ScoreMatrix& scores) const {
  const std::size_t n = check_score_matrix(scores);
  std::vector<double> out(n), column(scores.size());
  for (std::size_t v = 0; v < n; ++v) {
    for (std::size_t m = 0; m < scores.size(); ++m) column[m] = scores[m][v];
    out[v] = confidence_weighted_mean(column, w_);
  }
  return out;
}

}  // namespace dflab
