// dflab plugins [--kind K] [--json]: every registered plugin with its parameters and defaults.
#include <iostream>

#include "apps/cli.h"
#include "apps/command_libraries.h"

namespace dflab::cli {

namespace {

nlohmann::json param_json(const ParamSpec& s) {
  nlohmann::json j = {{"name", s.name}, {"type", to_string(s.type)}, {"doc", s.doc}};
  j["default"] = s.default_value ? nlohmann::json(format_value(*s.default_value)) : nlohmann::json(nullptr);
  j["required"] = !s.default_value.has_value();
  if (s.min) j["min"] = *s.min;
  if (s.max) j["max"] = *s.max;
  if (!s.choices.empty()) j["choices"] = s.choices;
  if (!s.unit.empty()) j["unit"] = s.unit;
  return j;
}

int run_plugins(Context& ctx, const std::string& kind_filter, bool json) {
  Registry& reg = ctx.registry();
  if (!kind_filter.empty()) {
    const auto& kinds = known_kinds();
    if (std::find(kinds.begin(), kinds.end(), kind_filter) == kinds.end()) {
      std::string all;
      for (const auto& k : kinds) all += (all.empty() ? "" : ", ") + k;
      throw UsageError("unknown kind '" + kind_filter + "' (kinds: " + all + ")");
    }
  }
  const auto plugins = reg.list(kind_filter);
  if (json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const PluginInfo* p : plugins) {
      nlohmann::json params = nlohmann::json::array();
      for (const auto& s : p->params) params.push_back(param_json(s));
      doc.push_back({{"kind", p->kind}, {"name", p->name}, {"doc", p->doc},
                     {"source", p->source}, {"params", params}});
    }
    print_json(doc);
    return exit_ok;
  }
  std::string current_kind;
  for (const PluginInfo* p : plugins) {
    if (p->kind != current_kind) {
      current_kind = p->kind;
      std::cout << (current_kind == plugins.front()->kind ? "" : "\n") << "[" << current_kind << "]\n";
    }
    std::cout << "  " << p->name << " — " << p->doc;
    if (p->source != "builtin") std::cout << "  (from " << p->source << ")";
    std::cout << "\n";
    for (const auto& s : p->params) {
      std::cout << "      " << s.name << " : " << to_string(s.type) << " = "
                << (s.default_value ? format_value(*s.default_value) : std::string("(required)"));
      if (s.min || s.max) std::cout << "  in " << s.range_text();
      if (!s.choices.empty()) {
        std::cout << "  one of {";
        for (std::size_t i = 0; i < s.choices.size(); ++i) std::cout << (i ? ", " : "") << s.choices[i];
        std::cout << "}";
      }
      if (!s.unit.empty()) std::cout << "  [" << s.unit << "]";
      std::cout << "\n          " << s.doc << "\n";
    }
  }
  if (plugins.empty()) std::cout << "no plugins of kind " << kind_filter << "\n";
  return exit_ok;
}

}  // namespace

void add_plugins_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("plugins", command_description("plugins"));
  auto kind_filter = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--kind", *kind_filter,
                  "Only this kind: face_detector, audio_feature, model, fusion, augmentation, aggregator");
  add_json_flag(cmd, *json);
  cmd->callback([&ctx, kind_filter, json] {
    ctx.action = [&ctx, kind_filter, json] { return run_plugins(ctx, *kind_filter, *json); };
  });
}

}  // namespace dflab::cli
