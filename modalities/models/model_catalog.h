#pragma once
// The built-in model plugins' declarations (name, doc, every parameter), readable without libtorch.
// The build writes them from the registered models themselves (model_catalog_gen.cpp), so they
// cannot drift from the code; `dflab check` and `dflab plugins` use them to validate and list
// models without loading libtorch.

#include <vector>

#include "registry/registry.h"

namespace dflab {

std::vector<PluginInfo> model_catalog();

}  // namespace dflab
