#pragma once
// `key=value` strings -> one TOML table, so values are typed and checked exactly as in an
// experiment file (params_from_toml). A value TOML cannot read (hamming) is taken as a string.
// The CLI's `--param k=v` and the Python module's keyword arguments both come through here, so
// they accept the same values and fail with the same messages.
//
//   Params p = plugin_params_from_args(reg.info(kind::model, "resnet18"), {"width=0.5"});

#include <stdexcept>
#include <string>
#include <vector>

#include <toml.hpp>

#include "registry/params.h"
#include "registry/registry.h"

namespace dflab {

// An item without '=' (a usage error: the CLI exits 2 for it).
class ParamArgumentError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws ParamArgumentError for an item without '='.
toml::value params_table(const std::vector<std::string>& pairs);

// The plugin's defaults overridden by `pairs`, validated like a TOML table; throws ConfigError
// with every problem. The result's origin is "--param".
Params plugin_params_from_args(const PluginInfo& info, const std::vector<std::string>& pairs);

}  // namespace dflab
