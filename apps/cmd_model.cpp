// dflab model info NAME [--param k=v ...] [--max-params N] [--json]: builds a model plugin from its
// defaults (+ overrides, typed and checked like TOML) and prints its input, parameter count and
// multiply-adds per sample; a model above the parameter limit (FFDV: 200M) is flagged.
// dflab model load-check NAME FILE [--param k=v ...] [--json]: how pretrained weights (a torch.save
// state dict, TorchScript, ONNX) map onto the model: matched, missing, unexpected, shape-mismatched.
// dflab model forward NAME --input x.npy --out y.npy [--weights FILE] [--param k=v ...]: one forward
// pass in eval mode, so anyone can compare with PyTorch.
//
//   dflab model info efficientnet_b0 --param input_size=256
//   dflab model info torchscript --param model=net.pt --json
//   dflab model load-check mobilenet_v2 ../shared/models/mobilenetv2/mobilenetv2-12-int8.onnx
//   dflab model forward resnet18 --weights resnet18.pth --input x.npy --out y.npy
//
// Exit 0 ok (info: also when over the limit, it is flagged; load-check: only when every backbone
// tensor matched), 1 the model cannot be built or the weights do not fit / cannot be read,
// 2 usage error / unknown model.
#include <cstdio>
#include <iostream>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "registry/param_args.h"
#include "modalities/audio/npy.h"
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

// "[1, 13, 21]"
std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

// The plugin's Params from --param overrides; UsageError for an unknown model.
Params model_params(Registry& reg, const std::string& name, const std::vector<std::string>& overrides) {
  if (!reg.contains(kind::model, name)) {
    std::string all;
    for (const auto& n : reg.names(kind::model)) all += (all.empty() ? "" : ", ") + n;
    throw UsageError("unknown model '" + name + "' (models: " + all + ")");
  }
  return plugin_params_from_args(reg.info(kind::model, name), overrides);
}

int run_model_info(Context& ctx, const ModelInfoArgs& a) {
  Registry& reg = ctx.registry();
  Params params = model_params(reg, a.name, a.params);
  const auto max_params = static_cast<std::int64_t>(a.max_params);
  const ModelSummary s = summarize_model(reg, a.name, params, max_params);
  const auto shape = s.input.shape(1);
  if (a.json) {
    print_json({{"name", s.name},
                {"params", params.canonical()},
                {"input", {{"modality", to_string(s.input.modality)},
                           {"shape", std::vector<std::int64_t>(shape.begin() + 1, shape.end())},
                           {"note", s.input.note}}},
                {"audio_input", s.audio_shape.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"shape", s.audio_shape}}},
                {"n_parameters", s.n_parameters},
                {"n_trainable", s.n_trainable},
                {"mult_adds", s.mult_adds},
                {"max_params", s.max_params},
                {"over_limit", s.over_limit}});
  } else {
    std::cout << "model        " << s.name << " (" << params.canonical() << ")\n"
              << "input        " << s.input.describe() << "\n";
    if (!s.audio_shape.empty()) std::cout << "audio input  " << shape_text(s.audio_shape) << " beside it (modality av)\n";
    std::cout
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

struct LoadCheckArgs {
  std::string name, file;
  std::vector<std::string> params;
  bool json = false;
  bool verbose = false;
};

int run_load_check(Context& ctx, const LoadCheckArgs& a) {
  Registry& reg = ctx.registry();
  const Params params = model_params(reg, a.name, a.params);
  const WeightCheck c = check_model_weights(reg, a.name, params, a.file);
  if (a.json) {
    print_json({{"model", a.name},
                {"file", c.file},
                {"format", c.format},
                {"mode", c.mode},
                {"notes", c.notes},
                {"complete", c.complete},
                {"matched", c.matched},
                {"missing", c.missing},
                {"unexpected", c.unexpected},
                {"mismatched", c.mismatched},
                {"head_fresh", c.head_fresh},
                {"head_dropped", c.head_dropped}});
  } else {
    auto list = [&](const char* what, const std::vector<std::string>& xs, std::size_t limit) {
      for (std::size_t k = 0; k < xs.size() && k < limit; ++k) std::cout << "  " << what << "  " << xs[k] << "\n";
      if (xs.size() > limit) std::cout << "  " << what << "  ... " << xs.size() - limit << " more (--verbose or --json)\n";
    };
    const std::size_t limit = a.verbose ? static_cast<std::size_t>(-1) : 12;
    std::cout << "model       " << a.name << " (" << params.canonical() << ")\n"
              << "file        " << c.file << " (" << c.format << ", matched " << c.mode << ")\n";
    for (const auto& n : c.notes) std::cout << "note        " << n << "\n";
    std::cout << "matched     " << c.matched.size() << " tensors\n"
              << "missing     " << c.missing.size() << "\n"
              << "mismatched  " << c.mismatched.size() << "\n"
              << "unexpected  " << c.unexpected.size() << "\n";
    if (a.verbose) list("matched   ", c.matched, limit);
    list("missing   ", c.missing, limit);
    list("mismatched", c.mismatched, limit);
    list("unexpected", c.unexpected, limit);
    if (!c.head_dropped.empty()) std::cout << "head        file's classifier dropped (" << c.head_dropped.front() << ", ...): another number of classes\n";
    if (!c.head_fresh.empty()) std::cout << "head        " << c.head_fresh.front() << ", ... freshly initialised (1 logit)\n";
    std::cout << (c.complete ? "ok          every backbone tensor has its weights\n"
                             : "INCOMPLETE  some backbone tensors have no weights from this file\n");
  }
  return c.complete ? exit_ok : exit_failure;
}

struct ForwardArgs {
  std::string name, weights, input, out;
  std::vector<std::string> params;
};

int run_forward(Context& ctx, const ForwardArgs& a) {
  Registry& reg = ctx.registry();
  const Params params = model_params(reg, a.name, a.params);
  const NpyArray x = read_npy_array(a.input);
  const ForwardResult y = forward_model(reg, a.name, params, a.weights, x.shape, x.data);
  if (!y.note.empty()) warn(y.note);
  write_npy_array(a.out, {y.shape, y.values});
  std::string shape;
  for (const auto d : y.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
  std::cout << "wrote " << a.out << " [" << shape << "] (logits)\n";
  return exit_ok;
}

}  // namespace

void add_model_command(CLI::App& app, Context& ctx) {
  auto* model = app.add_subcommand("model", command_description("model"));
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

  auto* check = model->add_subcommand("load-check", "Show how a weight file (torch.save state dict, TorchScript, ONNX) maps "
                                                    "onto a model; exit 0 only when every backbone tensor matched");
  auto c = std::make_shared<LoadCheckArgs>();
  check->add_option("NAME", c->name, "model plugin (dflab plugins --kind model)")->required();
  check->add_option("FILE", c->file, "weights: .pth/.pt state dict, TorchScript archive or .onnx")->required();
  check->add_option("--param", c->params, "Plugin parameter key=value; repeatable");
  check->add_flag("--verbose,-v", c->verbose, "List every tensor, matched ones included");
  add_json_flag(check, c->json);
  check->callback([&ctx, c] { ctx.action = [&ctx, c] { return run_load_check(ctx, *c); }; });

  auto* fwd = model->add_subcommand("forward", "Run one forward pass (eval mode) on an input .npy and write the logits as .npy");
  auto f = std::make_shared<ForwardArgs>();
  fwd->add_option("NAME", f->name, "model plugin (dflab plugins --kind model)")->required();
  fwd->add_option("--input", f->input, "float32/float64 .npy shaped like the model's input, batch first")->required();
  fwd->add_option("--out", f->out, "where to write the logits (.npy, float32)")->required();
  fwd->add_option("--weights", f->weights, "pretrained weights (as for load-check); none: the plugin's initialisation");
  fwd->add_option("--param", f->params, "Plugin parameter key=value; repeatable");
  fwd->callback([&ctx, f] { ctx.action = [&ctx, f] { return run_forward(ctx, *f); }; });
}

}  // namespace dflab::cli
