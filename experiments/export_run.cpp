#include "experiments/export_run.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "experiments/runner.h"
#include "experiments/store/run_store.h"
#include "experiments/training/checkpoint.h"
#include "modalities/models/model.h"
#include "modalities/models/pytorch_twin.h"
#include "modalities/models/state_dict_writer.h"
#include "modalities/models/torchscript_model.h"
#include "registry/atomic_file.h"

namespace dflab {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json to_json(const ParamValue& v) {
  return std::visit([](const auto& x) { return json(x); }, v);
}

json to_json(const Params& p) {
  json out = json::object();
  for (const auto& [k, v] : p.values()) out[k] = to_json(v);
  return out;
}

json input_json(const InputSpec& in, const InputNormalisation& norm, const ExperimentConfig& exp, const ModelEntry& m) {
  json j = {{"modality", to_string(in.modality)}, {"channels", in.channels}, {"height", in.height}, {"width", in.width}};
  std::vector<std::int64_t> shape = in.shape(1);
  shape[0] = -1;
  j["dflab_shape"] = shape;   // what dflab's forward takes; N = -1
  if (in.modality == Modality::sequence) j["frames"] = in.frames;
  j["normalisation"] = {{"mean", norm.mean}, {"std", norm.std}};
  if (in.modality == Modality::audio) {
    j["pixels"] = nullptr;
    j["feature"] = {{"plugin", exp.audio_feature.plugin}, {"params", to_json(exp.audio_feature.params)}};
    j["audio"] = to_json(exp.audio);
    j["silence"] = norm.silence;
    j["recipe"] = "features [C, F, T] of the feature plugin above, then (x - mean) / std";
  } else {
    j["pixels"] = {{"order", "RGB"}, {"scale", 1.0 / 255.0}};
    j["crop"] = to_json(exp.crop);
    j["sampling"] = to_json(exp.sampling);
    j["detector"] = {{"plugin", exp.detector.plugin}, {"params", to_json(exp.detector.params)}};
    j["video"] = to_json(exp.video);
    j["recipe"] = "face crop (crop settings) resized to height x width, RGB, x / 255, then (x - mean) / std per channel";
  }
  j["tta_flip"] = m.train.has("tta_flip") ? to_json(m.train.get("tta_flip")) : json(false);
  return j;
}

}  // namespace

std::string export_sidecar_path(const std::string& model_path) {
  fs::path p(model_path);
  return p.replace_extension(".json").string();
}

ExportResult export_run(Registry& registry, const ExportRequest& req) {
  if (req.format != "state_dict" && req.format != "torchscript")
    throw std::runtime_error("export: unknown format '" + req.format + "' (state_dict, torchscript)");
  if (req.out.empty()) throw std::runtime_error("export: no output file");
  store::StoreOptions so;
  so.create = false;
  const store::RunStore store = store::RunStore::open(req.db, so);
  const store::RunId id = store.resolve_run(req.run);
  const store::RunDetail d = store.get_run(id);
  ExportResult r;
  r.run = d.run.experiment + "/" + d.run.name;
  std::map<std::string, std::string> params(d.params.begin(), d.params.end());
  if (d.run.kind == store::RunKind::fusion)
    throw std::runtime_error(r.run + " is a fusion of runs (" + params["inputs"] +
                             "): a fusion has no network to export; export each input model run");
  const ExperimentConfig exp = load_run_experiment(store, id, registry);
  const ModelEntry& m = model_entry_of_run(exp, d);
  std::vector<store::Artifact> checkpoints;
  for (const store::Artifact& a : d.artifacts)
    if (a.kind == "checkpoint") checkpoints.push_back(a);
  if (checkpoints.empty()) throw std::runtime_error(r.run + ": the run has no checkpoint (did it finish?)");
  if (req.fold < 0 && checkpoints.size() > 1)
    throw std::runtime_error(r.run + " has " + std::to_string(checkpoints.size()) +
                             " checkpoints (one per fold): pick one with --fold 0.." + std::to_string(checkpoints.size() - 1));
  if (req.fold >= static_cast<int>(checkpoints.size()))
    throw std::runtime_error(r.run + ": --fold " + std::to_string(req.fold) + " but the run has " +
                             std::to_string(checkpoints.size()) + " checkpoint(s)");
  const store::Artifact& ckpt = checkpoints[static_cast<std::size_t>(std::max(req.fold, 0))];

  std::unique_ptr<Model> model = registry.create<Model>(kind::model, m.model.plugin, m.model.params);
  const InputNormalisation norm = load_model_checkpoint(*model, ckpt.path, ckpt.sha256);
  model->eval();
  r.plugin = m.model.plugin;
  r.n_parameters = model->n_parameters();
  r.model_path = req.out;
  r.sidecar_path = export_sidecar_path(req.out);
  if (fs::absolute(r.sidecar_path) == fs::absolute(r.model_path))
    throw std::runtime_error(req.out + ": the sidecar would overwrite the model file; give --out a name ending in .pth or .pt");

  const std::vector<std::pair<std::string, torch::Tensor>> state = model->named_state();
  r.n_tensors = state.size();
  json pytorch;
  if (req.format == "torchscript") {
    auto* ts = dynamic_cast<TorchScriptModel*>(model.get());
    if (!ts)
      throw std::runtime_error(r.run + ": --format torchscript needs a run of the torchscript plugin; " + r.plugin +
                               " is a libtorch C++ module, which libtorch can neither script nor trace. Export the state "
                               "dict (--format state_dict) and script it in Python: torch.jit.script(model)");
    // torch::jit's save, unlike write_state_dict, does not make the folder.
    std::error_code ec;
    if (fs::path(req.out).has_parent_path()) fs::create_directories(fs::path(req.out).parent_path(), ec);
    ts->save(req.out);
    pytorch = {{"load", "torch.jit.load"}, {"input_layout", "as dflab_shape"}};
    r.has_python_twin = true;
  } else {
    const PyTorchTwin twin = pytorch_twin(r.plugin, m.model.params, registry.defaults(kind::model, r.plugin));
    r.has_python_twin = !twin.spec.is_null();
    write_state_dict(req.out, r.has_python_twin ? twin.to_twin_names(state) : state);
    pytorch = r.has_python_twin ? twin.spec : json{{"none", twin.why_not}};
    for (const auto& [from, to] : twin.rename) pytorch["renamed"][from] = to;
  }

  json& s = r.sidecar;
  s["dflab_export"] = 1;
  s["run"] = r.run;
  s["model"] = {{"name", m.name}, {"plugin", r.plugin}, {"params", to_json(m.model.params)}, {"n_parameters", r.n_parameters}};
  s["format"] = req.format;
  s["file"] = fs::path(req.out).filename().string();
  s["checkpoint"] = {{"path", ckpt.path}, {"sha256", ckpt.sha256}};
  if (checkpoints.size() > 1) s["checkpoint"]["fold"] = std::max(req.fold, 0);
  s["pytorch"] = pytorch;
  s["input"] = input_json(model->input(), norm, exp, m);
  s["output"] = {{"logits", "one logit of 'fake' per sample: P(fake) = sigmoid(logit); torchvision twins return [N, 1]"},
                 {"aggregate", {{"plugin", m.aggregate.plugin}, {"params", to_json(m.aggregate.params)}}},
                 {"prior", params.count("prior") ? json(std::stod(params["prior"])) : json(nullptr)}};
  // score = "sync": a video's score is not the aggregate of these logits but the stored calibration
  // of its offset curve (modalities/av/sync_calibration.h); say so and carry the fit.
  if (params.count("sync_calibration"))
    s["output"]["video_score"] = {{"score", "sync"},
                                  {"calibration", json::parse(params["sync_calibration"], nullptr, false)},
                                  {"recipe", "offset curve (experiments/training/av_sync_curve.h), then "
                                             "sigmoid(intercept + coef . features)"}};
  write_file_atomically(r.sidecar_path, s.dump(2) + "\n");
  return r;
}

}  // namespace dflab
