#pragma once
// Which Python module takes a zoo model's state dict with load_state_dict(strict=True): the table
// `dflab export` writes into its sidecar (experiments/export_run.h), tested against torchvision by
// tests/modalities/models/state_dict_writer_test.cpp.
//
//   PyTorchTwin t = pytorch_twin("efficientnet_b0", params, registry.defaults(kind::model, "efficientnet_b0"));
//   t.spec;                   // {"module": "torchvision.models", "constructor": "efficientnet_b0", ...}
//   auto state = t.to_twin_names(model->named_state());   // classifier.weight -> classifier.1.weight
//
// The zoo uses torchvision's names, except where its head is a bare Linear and torchvision's a
// Sequential(Dropout, Linear) (efficientnet_b*: classifier -> classifier.1). Twins: resnet18/34/50,
// efficientnet_b0..b7, mobilenet_v2 (default widths, 3 input channels; torchvision has no such
// knobs), r2plus1d_18 and mc3_18 (torchvision.models.video; they take [N, C, T, H, W] where dflab
// takes [N, T, C, H, W]), meso4 (examples/pytorch/dflab_torch_models.py's Meso4, any width).

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "registry/params.h"

namespace dflab {

struct PyTorchTwin {
  // {"module", "constructor", "kwargs", "input_layout" ("NCHW" | "NCTHW")[, "file"]}; null when none.
  nlohmann::json spec;
  std::string why_not;                                     // when spec is null
  std::vector<std::pair<std::string, std::string>> rename;   // dflab name -> twin name

  // `state` under the twin's names (names without a rename entry stay).
  std::vector<std::pair<std::string, torch::Tensor>> to_twin_names(std::vector<std::pair<std::string, torch::Tensor>> state) const;
};

// `params` are the model's, `defaults` its plugin's defaults (Registry::defaults).
PyTorchTwin pytorch_twin(const std::string& plugin, const Params& params, const Params& defaults);

}  // namespace dflab
