// dflab check exp.toml [--json]: validate a whole experiment file before any work starts.
#include <iostream>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "experiments/experiment_config.h"
#include "registry/diagnostics.h"

namespace dflab::cli {

namespace {

nlohmann::json choice_json(const PluginChoice& c) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : c.params.values()) params[k] = format_value(v);
  return {{"kind", c.kind}, {"plugin", c.plugin}, {"params", params}};
}

int run_check(Context& ctx, const std::string& path, bool json) {
  try {
    const ExperimentConfig exp = load_experiment(path, ctx.registry());
    if (json) {
      nlohmann::json models = nlohmann::json::array();
      for (const auto& m : exp.models)
        models.push_back({{"name", m.name}, {"modality", m.modality}, {"model", choice_json(m.model)},
                          {"aggregate", choice_json(m.aggregate)}, {"train", m.train.canonical()}});
      nlohmann::json fusions = nlohmann::json::array();
      for (const auto& f : exp.fusions) fusions.push_back(choice_json(f));
      nlohmann::json doc = {{"file", path}, {"ok", true}, {"name", exp.experiment.string("name")},
                            {"data", {{"format", exp.data.string("format")}, {"root", exp.data.string("root")}}},
                            {"models", models}, {"fusion", fusions},
                            {"plugin_libraries", exp.plugin_libraries}, {"problems", nlohmann::json::array()}};
      if (!exp.detector.plugin.empty()) doc["detector"] = choice_json(exp.detector);
      if (!exp.audio_feature.plugin.empty()) doc["audio_feature"] = choice_json(exp.audio_feature);
      print_json(doc);
      return exit_ok;
    }
    std::cout << path << ": OK — experiment '" << exp.experiment.string("name") << "', "
              << exp.data.string("format") << " data at " << exp.data.string("root") << "\n";
    for (const auto& m : exp.models)
      std::cout << "  model " << m.name << " (" << m.modality << "): " << m.model.plugin << ", "
                << m.train.integer("epochs") << " epochs, aggregate " << m.aggregate.plugin << "\n";
    for (const auto& f : exp.fusions) std::cout << "  fusion " << f.plugin << "\n";
    if (!exp.detector.plugin.empty()) std::cout << "  face detector " << exp.detector.plugin << "\n";
    if (!exp.audio_feature.plugin.empty()) std::cout << "  audio feature " << exp.audio_feature.plugin << "\n";
    return exit_ok;
  } catch (const ConfigError& e) {
    if (!json) throw;
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& d : e.diagnostics().items())
      problems.push_back({{"file", d.file}, {"line", d.line}, {"message", d.message}});
    print_json({{"file", path}, {"ok", false}, {"problems", problems}});
    return exit_failure;
  }
}

}  // namespace

void add_check_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("check", command_description("check"));
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("experiment", *path, "Experiment TOML file")->required();
  add_json_flag(cmd, *json);
  cmd->callback([&ctx, path, json] { ctx.action = [&ctx, path, json] { return run_check(ctx, *path, *json); }; });
}

}  // namespace dflab::cli
