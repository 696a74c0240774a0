#include "experiments/builtin_plugins.h"

#include "modalities/aggregators/aggregator.h"
#include "modalities/fusion/fusion.h"

namespace dflab {

void register_builtin_plugins(Registry& registry) {
  register_aggregator_plugins(registry);
  register_fusion_plugins(registry);
}

Registry builtin_registry() {
  Registry registry;
  register_builtin_plugins(registry);
  return registry;
}

}  // namespace dflab
