#pragma once
#include "modalities/fusion/fusion.h"

namespace dflab {

// Weighted average; weights are given in model order and normalised to sum to one.
class WeightedMeanFusion : public Fusion {
 public:
  explicit WeightedMeanFusion(const Params& params);
  static PluginInfo info();
  std::vector<double> fuse(const ScoreMatrix& scores) const override;

 private:
  std::vector<double> weights_;
};

}  // namespace dflab
