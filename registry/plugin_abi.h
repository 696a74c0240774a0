#pragma once
// The C entry point a runtime plugin library exports. A plugin .so written against these
// headers looks like this (see examples/plugins/sample_plugin.cpp):
//
//   #include "registry/plugin_abi.h"
//   static void register_plugins(dflab::Registry* reg) { reg->add<MyAggregator>({...}); }
//   DFLAB_PLUGIN("my_plugins", register_plugins)
//
// The host checks abi_version before it calls anything else in the library. Bump
// DFLAB_PLUGIN_ABI_VERSION whenever Registry, Params, ParamSpec or a plugin interface changes
// layout or virtual functions, so an old .so is refused with a clear message instead of crashing.

#include <cstdint>

#define DFLAB_PLUGIN_ABI_VERSION 1u
#define DFLAB_PLUGIN_ENTRY_SYMBOL "dflab_plugin_descriptor"

namespace dflab {
class Registry;
}

extern "C" {
struct DflabPluginDescriptor {
  std::uint32_t abi_version;                         // DFLAB_PLUGIN_ABI_VERSION at build time
  const char* library_name;                          // shown in `dflab plugins`
  void (*register_plugins)(dflab::Registry* registry);
};
typedef const DflabPluginDescriptor* (*DflabPluginEntry)(void);
}

#define DFLAB_PLUGIN(LIBRARY_NAME, REGISTER_FN)                                              \
  extern "C" __attribute__((visibility("default"))) const DflabPluginDescriptor*            \
  dflab_plugin_descriptor(void) {                                                            \
    static const DflabPluginDescriptor descriptor = {DFLAB_PLUGIN_ABI_VERSION, LIBRARY_NAME, \
                                                     REGISTER_FN};                           \
    return &descriptor;                                                                      \
  }
