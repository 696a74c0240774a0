#pragma once
// `dflab export`: a trained model run of the store out to PyTorch.
//
//   ExportRequest req;  req.db = "runs/dflab.sqlite";  req.run = "demo/video";  req.out = "video.pth";
//   ExportResult r = export_run(registry, req);   // video.pth + video.json
//
// format "state_dict": the run's checkpoint as the file torch.save(model.state_dict()) writes
// (modalities/models/state_dict_writer.h) under the zoo's names, which are torchvision's for the
// models that have a torchvision twin (resnet18/34/50, efficientnet_b0..b7, mobilenet_v2,
// r2plus1d_18, mc3_18 with their default widths and 3 input channels); meso4 has its Python class
// in examples/pytorch/dflab_torch_models.py. Beside it, <out stem>.json says how to build the
// module ("pytorch": module, constructor, kwargs), what it eats (input shape, RGB order, /255,
// per-channel mean and std, the face crop and frame sampling settings) and how frame logits become
// a video score (sigmoid, then the run's aggregator).
// format "torchscript": for a run of the `torchscript` plugin, the TorchScript module with the
// trained weights (torch.jit.load reads it). Other models are C++ modules that libtorch cannot
// script or trace: that is an error saying to export the state dict instead.
// A fusion run is refused with the names of its input runs; a k-fold run has one checkpoint per
// fold, and `fold` picks one.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/registry.h"

namespace dflab {

struct ExportRequest {
  std::string db, run;           // run: experiment/run, an id, or a unique run name
  std::string out;               // model.pth (state_dict) or model.pt (torchscript)
  std::string format = "state_dict";
  int fold = -1;                 // k-fold runs: which checkpoint (0-based); -1: the only one
};

struct ExportResult {
  std::string run;               // experiment/run
  std::string plugin;
  std::string model_path, sidecar_path;
  std::size_t n_tensors = 0;
  std::int64_t n_parameters = 0;
  nlohmann::json sidecar;
  bool has_python_twin = false;  // sidecar["pytorch"] names a constructor that takes the file strictly
};

// Throws std::runtime_error naming what is wrong: the store, the run, a fusion run, a missing or
// changed checkpoint, a format the model cannot be written in.
ExportResult export_run(Registry& registry, const ExportRequest& request);

// The sidecar's path for a model file: model.pth -> model.json.
std::string export_sidecar_path(const std::string& model_path);

}  // namespace dflab
