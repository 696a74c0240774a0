#include "modalities/aggregators/basic_aggregators.h"
#include "modalities/aggregators/confidence_weighted.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <stdexcept>

namespace dflab {

namespace {
void require_scores(const std::vector<double>& s) {
  if (s.empty()) throw std::invalid_argument("aggregator: no frame scores to aggregate");
}
}  // namespace

PluginInfo MeanAggregator::info() { return {kind::aggregator, "mean", "mean of the frame scores", {}}; }
double MeanAggregator::aggregate(const std::vector<double>& s) const {
  require_scores(s);
  return std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
}

PluginInfo MedianAggregator::info() {
  return {kind::aggregator, "median", "median of the frame scores (mean of the middle two if even)", {}};
}
double MedianAggregator::aggregate(const std::vector<double>& s) const {
  require_scores(s);
  std::vector<double> v = s;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  if (v.size() % 2) return v[mid];
  const double upper = v[mid];
  const double lower = *std::max_element(v.begin(), v.begin() + mid);
  return 0.5 * (lower + upper);
}

PluginInfo MaxAggregator::info() { return {kind::aggregator, "max", "maximum frame score", {}}; }
double MaxAggregator::aggregate(const std::vector<double>& s) const {
  require_scores(s);
  return *std::max_element(s.begin(), s.end());
}

PluginInfo TopkMeanAggregator::info() {
  return {kind::aggregator,
          "topk_mean",
          "mean of the k highest frame scores (all frames when fewer than k)",
          {ParamSpec::integer("k", 5, "number of highest-scoring frames averaged").range(1, std::nullopt)}};
}
TopkMeanAggregator::TopkMeanAggregator(const Params& params) : k_(params.integer("k")) {}
double TopkMeanAggregator::aggregate(const std::vector<double>& s) const {
  require_scores(s);
  std::vector<double> v = s;
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(k_), v.size());
  std::partial_sort(v.begin(), v.begin() + k, v.end(), std::greater<double>());
  return std::accumulate(v.begin(), v.begin() + k, 0.0) / static_cast<double>(k);
}

void register_aggregator_plugins(Registry& registry) {
  registry.add<MeanAggregator>(MeanAggregator::info());
  registry.add<MedianAggregator>(MedianAggregator::info());
  registry.add<MaxAggregator>(MaxAggregator::info());
  registry.add<TopkMeanAggregator>(TopkMeanAggregator::info());
  registry.add<ConfidenceWeightedAggregator>(ConfidenceWeightedAggregator::info());
  registry.add<ConfidentStrategyAggregator>(ConfidentStrategyAggregator::info());
}

}  // namespace dflab
