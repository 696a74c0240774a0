// The whole built-in list: the torch-free plugins plus the models (this file links libtorch).
#include "experiments/builtin_plugins.h"
#include "modalities/models/register_models.h"

namespace dflab {

void register_builtin_plugins(Registry& registry) {
  register_torch_free_plugins(registry);
  register_model_plugins(registry);
}

Registry builtin_registry() {
  Registry registry;
  register_builtin_plugins(registry);
  return registry;
}

}  // namespace dflab
