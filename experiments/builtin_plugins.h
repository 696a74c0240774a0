#pragma once
// The one list of in-tree plugins. Being a plain function call chain (no static registrars), it
// cannot be dropped by a static link or reordered by initialisation order.
//
// Two halves, because the model plugins link libtorch and most commands never build a model:
// register_torch_free_plugins (dflab::experiments_core) and the whole list (dflab::experiments).

#include "registry/registry.h"

namespace dflab {

// Adds every built-in plugin but the models: face detectors, audio features, augmentations,
// aggregators and fusion.
void register_torch_free_plugins(Registry& registry);

// Adds every built-in plugin to `registry`, models included.
void register_builtin_plugins(Registry& registry);

// A registry holding the built-in plugins and nothing else.
Registry builtin_registry();

}  // namespace dflab
