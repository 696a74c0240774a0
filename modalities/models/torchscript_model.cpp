#include "modalities/models/torchscript_model.h"

#include <filesystem>

namespace dflab {

PluginInfo TorchScriptModel::info() {
  return {kind::model, "torchscript",
          "a TorchScript file exported from PyTorch (trace or script), for inference and fine-tuning",
          {ParamSpec::required("model", ParamType::string, "TorchScript file (.pt) saved by torch.jit.save")
               .as_path(PathRole::input_file),
           ParamSpec::string("modality", "video", "what the module eats").one_of({"video", "sequence", "audio"}),
           ParamSpec::integer("channels", 3, "input channels").range(1, 64),
           ParamSpec::integer("height", 224, "input height (audio: feature bins)").range(1, 8192),
           ParamSpec::integer("width", 224, "input width (audio: frames)").range(1, 100000),
           ParamSpec::integer("frames", 1, "frames per clip (sequence models)").range(1, 1024)}};
}

TorchScriptModel::TorchScriptModel(const Params& p) : path_(p.string("model")) {
  if (!std::filesystem::is_regular_file(path_))
    throw std::runtime_error("torchscript: model file " + path_ + " does not exist");
  try {
    module_ = torch::jit::load(path_);
  } catch (const c10::Error& e) {
    throw std::runtime_error("torchscript: " + path_ + " is not a readable TorchScript archive: " +
                             e.what_without_backtrace());
  }
  const std::string& m = p.string("modality");
  input_.modality = m == "sequence" ? Modality::sequence : m == "audio" ? Modality::audio : Modality::video;
  input_.channels = p.integer("channels");
  input_.height = p.integer("height");
  input_.width = p.integer("width");
  input_.frames = input_.modality == Modality::sequence ? p.integer("frames") : 1;
  input_.note = "as the exported module expects";
  module_.eval();
}

torch::Tensor TorchScriptModel::forward(const torch::Tensor& x) {
  torch::jit::IValue out = module_.forward({x});
  if (!out.isTensor()) throw std::runtime_error("torchscript: " + path_ + " forward did not return a tensor");
  torch::Tensor y = out.toTensor();
  if (y.dim() == 2 && y.size(1) == 1) y = y.squeeze(1);
  if (y.dim() != 1 || y.size(0) != x.size(0))
    throw std::runtime_error("torchscript: " + path_ + " returned " + c10::str(y.sizes()) +
                             ", expected [N] or [N, 1] logits");
  return y;
}

std::vector<torch::Tensor> TorchScriptModel::parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& p : module_.parameters()) out.push_back(p);   // frozen ones too: they count towards the limit
  return out;
}

std::vector<std::pair<std::string, torch::Tensor>> TorchScriptModel::named_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : module_.named_parameters()) out.emplace_back(p.name, p.value);
  for (const auto& b : module_.named_buffers()) out.emplace_back(b.name, b.value);
  return out;
}

}  // namespace dflab
