#pragma once
#include "modalities/fusion/fusion.h"

namespace dflab {

// Plain average of the models' scores.
class MeanFusion : public Fusion {
 public:
  explicit MeanFusion(const Params&) {}
  static PluginInfo info();
  std::vector<double> fuse(const ScoreMatrix& scores) const override;
};

}  // namespace dflab
