// A runtime plugin library: one aggregator, "geometric_mean", loaded with
//   dflab --plugin path/to/libdflab_sample_plugin.so plugins --kind aggregator
// or from an experiment's `[plugins] load = ["path.so"]`.
//
// It includes only dflab headers and leaves dflab's symbols unresolved: the host (the dflab
// executable, built with exported symbols) provides them when the library is loaded.
#include <cmath>
#include <stdexcept>

#include "modalities/aggregators/aggregator.h"
#include "registry/plugin_abi.h"

namespace {

class GeometricMeanAggregator : public dflab::Aggregator {
 public:
  explicit GeometricMeanAggregator(const dflab::Params& params) : eps_(params.real("eps")) {}
  double aggregate(const std::vector<double>& s) const override {
    if (s.empty()) throw std::invalid_argument("geometric_mean: no frame scores");
    double log_sum = 0.0;
    for (double v : s) log_sum += std::log(std::max(v, eps_));
    return std::exp(log_sum / static_cast<double>(s.size()));
  }

 private:
  double eps_;
};

[[maybe_unused]] void register_plugins(dflab::Registry* registry) {
  registry->add<GeometricMeanAggregator>(
      {dflab::kind::aggregator,
       "geometric_mean",
       "geometric mean of the frame scores (sample runtime plugin)",
       {dflab::ParamSpec::real("eps", 1e-6, "floor applied before the logarithm").range(1e-12, 1.0)}});
}

}  // namespace

#if defined(DFLAB_SAMPLE_WRONG_ABI)
extern "C" __attribute__((visibility("default"))) const DflabPluginDescriptor* dflab_plugin_descriptor(void) {
  static const DflabPluginDescriptor d = {DFLAB_PLUGIN_ABI_VERSION + 100, "sample_wrong_abi", register_plugins};
  return &d;
}
#elif defined(DFLAB_SAMPLE_NO_ENTRY)
extern "C" __attribute__((visibility("default"))) int dflab_something_else(void) { return 0; }
#else
DFLAB_PLUGIN("dflab_sample_plugin", register_plugins)
#endif
