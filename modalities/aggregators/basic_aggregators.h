#pragma once
// The order-statistic aggregators: mean, median, max and mean of the top k.
#include "modalities/aggregators/aggregator.h"

namespace dflab {

class MeanAggregator : public Aggregator {
 public:
  explicit MeanAggregator(const Params&) {}
  static PluginInfo info();
  double aggregate(const std::vector<double>& frame_scores) const override;
};

class MedianAggregator : public Aggregator {
 public:
  explicit MedianAggregator(const Params&) {}
  static PluginInfo info();
  double aggregate(const std::vector<double>& frame_scores) const override;
};

class MaxAggregator : public Aggregator {
 public:
  explicit MaxAggregator(const Params&) {}
  static PluginInfo info();
  double aggregate(const std::vector<double>& frame_scores) const override;
};

class TopkMeanAggregator : public Aggregator {
 public:
  explicit TopkMeanAggregator(const Params& params);
  static PluginInfo info();
  double aggregate(const std::vector<double>& frame_scores) const override;

 private:
  std::int64_t k_;
};

}  // namespace dflab
