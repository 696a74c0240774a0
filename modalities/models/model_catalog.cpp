#include "modalities/models/model_catalog.h"

#include <nlohmann/json.hpp>

#include "registry/plugin_info_json.h"

namespace dflab {

// model_catalog_data.cpp, written at build time.
extern const char* const model_catalog_json;

std::vector<PluginInfo> model_catalog() {
  std::vector<PluginInfo> infos;
  for (const auto& doc : nlohmann::json::parse(model_catalog_json)) infos.push_back(plugin_info_from_json(doc));
  return infos;
}

}  // namespace dflab
