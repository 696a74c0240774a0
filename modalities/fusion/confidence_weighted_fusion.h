#pragma once
// Confidence-weighted fusion (fusion "confidence_weighted"): per video, each model's score weighted by
// its confidence |p - 0.5|^k + eps (|2p - 1| up to a factor), optionally sharpened first — the same
// rule as the confidence_weighted aggregator (modalities/aggregators/confidence_weighted.h, ref:
// DFDC 3rd place, NTechLab predict.py), applied across models instead of across frames.
// Defaults: no sharpening, no clipping, k = 1, eps = 1e-4; a confident model outvotes an unsure one.
//
//   auto fusion = registry.create<Fusion>(kind::fusion, "confidence_weighted", params);
//   fusion->fuse({{0.9, 0.5}, {0.4, 0.7}});   // [model][video] -> {0.7999, 0.6999}:
//   video 0: (0.4001 * 0.9 + 0.1001 * 0.4) / 0.5002; video 1: (1e-4 * 0.5 + 0.2001 * 0.7) / 0.2002

#include "modalities/aggregators/confidence_weighted.h"
#include "modalities/fusion/fusion.h"

namespace dflab {

class ConfidenceWeightedFusion : public Fusion {
 public:
  explicit ConfidenceWeightedFusion(const Params& params);
  static PluginInfo info();
  std::vector<double> fuse(const ScoreMatrix& scores) const override;

 private:
  ConfidenceWeighting w_;
};

}  // namespace dflab
