#pragma once
// The one list of in-tree plugins. Being a plain function call chain (no static registrars), it
// cannot be dropped by a static link or reordered by initialisation order.

#include "registry/registry.h"

namespace dflab {

// Adds every built-in plugin to `registry`.
void register_builtin_plugins(Registry& registry);

// A registry holding the built-in plugins and nothing else.
Registry builtin_registry();

}  // namespace dflab
