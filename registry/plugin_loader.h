#pragma once
// Loads runtime plugin libraries (.so) into a Registry: dlopen, find the one C entry point
// (registry/plugin_abi.h), check its ABI version, let it register its plugins. Libraries are never
// unloaded (their code backs the registered factories); loading the same file twice is a no-op.

#include <stdexcept>
#include <string>

namespace dflab {

class Registry;

class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns the number of plugins the library added. Throws PluginLoadError naming the path and
// the cause: file missing, dlopen failure, no entry symbol, wrong ABI version, or a plugin
// rejected by the registry (e.g. a duplicate name).
int load_plugin_library(const std::string& path, Registry& registry);

}  // namespace dflab
