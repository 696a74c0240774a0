// dflab model info NAME [--param k=v ...] [--max-params N] [--json]: builds a model plugin from its
// defaults (+ overrides, typed and checked like TOML) and prints its input, parameter count and
// multiply-adds per sample; a model above the parameter limit (FFDV: 200M) is flagged.
//
//   dflab model info efficientnet_b0 --param input_size=256
//   dflab model info torchscript --param model=net.pt --json
//
// Exit 0 ok (also when over the limit: it is flagged, the model still builds), 1 the model cannot
// be built (bad parameter value, missing TorchScript file), 2 usage error / unknown model.
#include <cstdio>
#include <iostream>

#include "apps/cli.h"
#include "apps/param_args.h"
#include "modalities/models/model_summary.h"
#include "registry/diagnostics.h"
#include "registry/toml_params.h"

namespace dflab::cli {

namespace {

struct ModelInfoArgs {
  std::string name;
  std::vector<std::string> params;   // k=v
  double max_params = static_cast<double>(ffdv_max_params);
  bool json = false;
};

std::string human(double v) {
  char buf[32];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.2f G", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", v / 1e6);
  else if (v >= 1e3) std::snprintf(buf, sizeof buf, "%.1f k", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

int run_model_info(Context& ctx, const ModelInfoArgs& a) {
  Registry& reg = ctx.registry();
  if (!reg.contains(kind::model, a.name)) {
    std::string all;
    for (const auto& n : reg.names(kind::model)) all += (all.empty() ? "" : ", ") + n;
    throw UsageError("unknown model '" + a.name + "' (models: " + all + ")");
  }
  const PluginInfo& info = reg.info(kind::model, a.name);
  Params params = plugin_params_from_args(info, a.params);
  const auto max_params = static_cast<std::int64_t>(a.max_params);
  const ModelSummary s = summarize_model(reg, a.name, params, max_params);
  const auto shape = s.input.shape(1);
  if (a.json) {
    print_json({{"name", s.name},
                {"params", params.canonical()},
                {"input", {{"modality", to_string(s.input.modality)},
                           {"shape", std::vector<std::int64_t>(shape.begin() + 1, shape.end())},
                           {"note", s.input.note}}},
                {"n_parameters", s.n_parameters},
                {"n_trainable", s.n_trainable},
                {"mult_adds", s.mult_adds},
                {"max_params", s.max_params},
                {"over_limit", s.over_limit}});
  } else {
    std::cout << "model        " << s.name << " (" << params.canonical() << ")\n"
              << "input        " << s.input.describe() << "\n"
              << "parameters   " << s.n_parameters << " (" << human(static_cast<double>(s.n_parameters))
              << "), trainable " << s.n_trainable << "\n"
              << "mult-adds    " << static_cast<long long>(s.mult_adds) << " (" << human(s.mult_adds)
              << ") per sample (conv + linear)\n"
              << "limit        " << s.max_params << (s.over_limit ? "  OVER THE LIMIT" : "  ok") << "\n";
  }
  if (s.over_limit)
    warn("model " + s.name + " has " + std::to_string(s.n_parameters) + " parameters, above the limit of " +
         std::to_string(s.max_params));
  return exit_ok;
}

}  // namespace

void add_model_command(CLI::App& app, Context& ctx) {
  auto* model = app.add_subcommand("model", "Model tools: info (input, parameters, multiply-adds)");
  model->require_subcommand(1);
  auto* info = model->add_subcommand("info", "Build a model plugin and print its input, size and cost");
  auto a = std::make_shared<ModelInfoArgs>();
  info->add_option("NAME", a->name, "model plugin (dflab plugins --kind model)")->required();
  info->add_option("--param", a->params, "Plugin parameter key=value; repeatable");
  info->add_option("--max-params", a->max_params, "Flag models with more parameters than this (FFDV: 200e6)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  add_json_flag(info, a->json);
  info->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_model_info(ctx, *a); }; });
}

}  // namespace dflab::cli
