#include "registry/plugin_loader.h"

#include <dlfcn.h>

#include <filesystem>

#include "registry/plugin_abi.h"
#include "registry/registry.h"

namespace dflab {

int load_plugin_library(const std::string& path, Registry& registry) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw PluginLoadError("plugin library " + path + ": no such file");
  const std::string canonical = fs::canonical(path, ec).string();
  if (registry.has_library(canonical)) return 0;

  // RTLD_NOW: an unresolved symbol is an error here, not a crash later. RTLD_LOCAL keeps one
  // plugin's helpers from satisfying another's.
  void* handle = dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw PluginLoadError("plugin library " + path + ": " + dlerror());
  auto entry = reinterpret_cast<DflabPluginEntry>(dlsym(handle, DFLAB_PLUGIN_ENTRY_SYMBOL));
  if (!entry) {
    dlclose(handle);
    throw PluginLoadError("plugin library " + path + ": missing entry symbol '" +
                          DFLAB_PLUGIN_ENTRY_SYMBOL + "' (define it with DFLAB_PLUGIN(...))");
  }
  const DflabPluginDescriptor* d = entry();
  if (!d || d->abi_version != DFLAB_PLUGIN_ABI_VERSION) {
    std::string got = d ? std::to_string(d->abi_version) : std::string("none");
    dlclose(handle);
    throw PluginLoadError("plugin library " + path + ": built for plugin ABI version " + got +
                          ", this dflab needs " + std::to_string(DFLAB_PLUGIN_ABI_VERSION) +
                          "; rebuild it against this dflab's headers");
  }
  if (!d->register_plugins) {
    dlclose(handle);
    throw PluginLoadError("plugin library " + path + ": descriptor has no register function");
  }
  // From here on the handle stays open: factories registered below point into it.
  const std::size_t before = registry.list().size();
  try {
    Registry::SourceScope scope(registry, canonical);
    d->register_plugins(&registry);
  } catch (const std::exception& e) {
    throw PluginLoadError("plugin library " + path + ": " + e.what());
  }
  registry.add_library(canonical);
  return static_cast<int>(registry.list().size() - before);
}

}  // namespace dflab
