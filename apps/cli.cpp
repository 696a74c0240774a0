#include "apps/cli.h"

#include <iostream>

#include "apps/command_libraries.h"
#include "experiments/store/store_json.h"
#include "registry/plugin_loader.h"

namespace dflab::cli {

Registry& Context::registry() {
  if (!registry_) {
    // A runtime plugin may build on any of dflab's classes (models included): load everything first.
    if (!plugin_paths.empty()) load_command_library(CommandHome::torch);
    registry_ = std::make_unique<Registry>();
    load_command_library(CommandHome::media).register_plugins(*registry_);
    register_model_plugins_on_demand(*registry_);
    for (const auto& p : plugin_paths) load_plugin_library(p, *registry_);
  }
  return *registry_;
}

void Context::load_plugins(const std::vector<std::string>& paths) {
  if (!paths.empty()) load_command_library(CommandHome::torch);
  Registry& reg = registry();
  for (const auto& p : paths) load_plugin_library(p, reg);
}

void add_json_flag(CLI::App* cmd, bool& flag) {
  cmd->add_flag("--json", flag, "Print one JSON document on stdout instead of text");
}

// Through store::dump_json: names and messages taken from user files may hold bytes that are not UTF-8.
void print_json(const nlohmann::json& doc) { std::cout << store::dump_json(doc) << std::endl; }

void warn(const std::string& message) { std::cerr << "dflab: warning: " << message << std::endl; }
void error(const std::string& message) { std::cerr << "dflab: error: " << message << std::endl; }

}  // namespace dflab::cli
