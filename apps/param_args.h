#pragma once
// `--param key=value` arguments -> one TOML table, so values are typed and checked exactly as in
// an experiment file (params_from_toml). A value TOML cannot read (hamming) is taken as a string.
//
//   Params p = plugin_params_from_args(reg.info(kind::model, "resnet18"), {"width=0.5"});
//
// Throws cli::UsageError for an item without '='.

#include <string>
#include <vector>

#include <toml.hpp>

#include "registry/params.h"
#include "registry/registry.h"

namespace dflab::cli {

toml::value params_table(const std::vector<std::string>& pairs);

// The plugin's defaults overridden by `pairs`, validated like a TOML table; throws ConfigError
// with every problem. The result's origin is "--param".
Params plugin_params_from_args(const PluginInfo& info, const std::vector<std::string>& pairs);

}  // namespace dflab::cli
