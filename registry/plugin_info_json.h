#pragma once
// A plugin's declaration (PluginInfo: kind, name, doc, every ParamSpec) as JSON and back, without
// loss: typed defaults, ranges, choices, units and path roles. The `dflab` program uses it to know
// the model plugins (their parameters, for `check` and `plugins`) without loading libtorch; the
// build writes that catalog from the registered models themselves.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/registry.h"

namespace dflab {

nlohmann::json plugin_info_to_json(const PluginInfo& info);
// Throws std::invalid_argument naming the plugin and field when the document is not one that
// plugin_info_to_json wrote.
PluginInfo plugin_info_from_json(const nlohmann::json& doc);

}  // namespace dflab
