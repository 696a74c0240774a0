#pragma once
#include "modalities/fusion/fusion.h"

namespace dflab {

// The most suspicious model wins: a video is as fake as its fakest modality says.
class MaxFusion : public Fusion {
 public:
  explicit MaxFusion(const Params&) {}
  static PluginInfo info();
  std::vector<double> fuse(const ScoreMatrix& scores) const override;
};

}  // namespace dflab
