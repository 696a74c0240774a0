// Build tool: writes model_catalog_data.cpp, the JSON of every built-in model plugin's declaration
// (registry/plugin_info_json.h), for the torch-free model catalog (model_catalog.h).
//   model_catalog_gen OUT.cpp
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "modalities/models/register_models.h"
#include "registry/plugin_info_json.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: model_catalog_gen OUT.cpp\n";
    return 2;
  }
  dflab::Registry registry;
  dflab::register_model_plugins(registry);
  nlohmann::json all = nlohmann::json::array();
  for (const dflab::PluginInfo* info : registry.list(dflab::kind::model)) all.push_back(dflab::plugin_info_to_json(*info));
  std::ostringstream text;
  // One string per model: a single literal of every model would pass the compiler's length limit.
  text << "// Written by model_catalog_gen (modalities/models/model_catalog_gen.cpp); do not edit.\n"
       << "namespace dflab {\nextern const char* const model_catalog_json;\nconst char* const model_catalog_json =\n"
       << "  R\"dflab_json([)dflab_json\"\n";
  for (std::size_t i = 0; i < all.size(); ++i)
    text << "  R\"dflab_json(" << (i ? "," : "") << all[i].dump() << ")dflab_json\"\n";
  text << "  R\"dflab_json(])dflab_json\";\n}  // namespace dflab\n";
  // Rewrite only on change, so a relinked generator does not rebuild what depends on the file.
  std::ifstream old(argv[1]);
  std::stringstream previous;
  previous << old.rdbuf();
  if (old && previous.str() == text.str()) return 0;
  std::ofstream out(argv[1], std::ios::trunc);
  out << text.str();
  if (!out) {
    std::cerr << "model_catalog_gen: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
