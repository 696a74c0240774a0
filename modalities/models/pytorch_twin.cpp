#include "modalities/models/pytorch_twin.h"

namespace dflab {

using nlohmann::json;

std::vector<std::pair<std::string, torch::Tensor>> PyTorchTwin::to_twin_names(
    std::vector<std::pair<std::string, torch::Tensor>> state) const {
  for (auto& [name, tensor] : state)
    for (const auto& [from, to] : rename)
      if (name == from) name = to;
  return state;
}

PyTorchTwin pytorch_twin(const std::string& plugin, const Params& params, const Params& defaults) {
  // torchvision has no width / depth / channel knobs for these models: a twin only at the defaults.
  auto changed = [&](std::initializer_list<const char*> names) -> std::string {
    for (const char* n : names)
      if (params.has(n) && defaults.has(n) && format_value(params.get(n)) != format_value(defaults.get(n)))
        return std::string(n) + " = " + format_value(params.get(n)) + " (torchvision builds " + format_value(defaults.get(n)) + ")";
    return "";
  };
  auto torchvision = [&](const std::string& module, const std::string& layout, std::initializer_list<const char*> fixed) {
    PyTorchTwin t;
    t.why_not = changed(fixed);
    if (t.why_not.empty() && params.has("in_channels") && params.integer("in_channels") != 3)
      t.why_not = "in_channels = " + std::to_string(params.integer("in_channels")) + " (torchvision builds 3)";
    if (t.why_not.empty())
      t.spec = {{"module", module}, {"constructor", plugin}, {"kwargs", {{"num_classes", 1}}}, {"input_layout", layout}};
    return t;
  };
  if (plugin == "resnet18" || plugin == "resnet34" || plugin == "resnet50" || plugin == "mobilenet_v2")
    return torchvision("torchvision.models", "NCHW", {"width"});
  if (plugin.rfind("efficientnet_b", 0) == 0 && plugin.size() == 15) {
    PyTorchTwin t = torchvision("torchvision.models", "NCHW", {"width", "depth"});
    t.rename = {{"classifier.weight", "classifier.1.weight"}, {"classifier.bias", "classifier.1.bias"}};
    return t;
  }
  if (plugin == "r2plus1d_18" || plugin == "mc3_18") return torchvision("torchvision.models.video", "NCTHW", {});
  PyTorchTwin t;
  if (plugin == "meso4") {
    t.spec = {{"module", "dflab_torch_models"},
              {"constructor", "Meso4"},
              {"kwargs", {{"input_size", params.integer("input_size")}, {"in_channels", params.integer("in_channels")},
                          {"width", params.real("width")}}},
              {"input_layout", "NCHW"},
              {"file", "examples/pytorch/dflab_torch_models.py"}};
    return t;
  }
  t.why_not = plugin + " has no PyTorch twin in torchvision or examples/pytorch/dflab_torch_models.py; the state dict holds dflab's names";
  return t;
}

}  // namespace dflab
