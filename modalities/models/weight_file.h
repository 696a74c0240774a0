#pragma once
// Pretrained weights as named tensors, read from the files people bring: a state dict saved by
// `torch.save` (zip format), a TorchScript archive (`torch.jit.save`), or an ONNX model whose
// initialisers hold the weights (int8 QLinearConv / DequantizeLinear weights dequantised).
//
//   WeightFile w = read_weight_file("resnet18-f37072fd.pth");
//   w.format;                 // "state_dict", "torchscript" or "onnx"
//   w.tensors;                // ("layer1.0.conv1.weight", tensor), ... in the file's order
//
// A state dict is read by our own small unpickler (weight_file.cpp), not torch::pickle_load:
// libtorch 1.13's unpickler turns every collections.OrderedDict into None, and a state dict is one.
// Wrappers are unwrapped: {"state_dict": ...}, {"model": ...} (timm, Lightning checkpoints), and a
// "module." prefix on every name (DataParallel).
//
// An ONNX model has no module names, only its graph: its layers are listed in graph order under
// synthetic names ("conv.0.weight", "conv.0.bias", "conv.0.bn.running_mean", "linear.0.weight"),
// with BatchNorm either as its own layer or already folded into the convolution's bias. Mapping
// them onto a model is pretrained.h's job.

#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace dflab {

struct WeightFile {
  std::string path;
  std::string format;   // state_dict | torchscript | onnx
  std::vector<std::pair<std::string, torch::Tensor>> tensors;   // float tensors stay float; file order
  std::vector<std::string> notes;   // what was unwrapped, stripped or dequantised, one line each
};

// Throws std::runtime_error naming the file: missing, unreadable, a legacy (non-zip) torch.save
// file, an ONNX model with external data, or a format it does not know.
WeightFile read_weight_file(const std::string& path);

// The ONNX part, exposed for tests: layers of an ONNX model held in memory.
WeightFile read_onnx_weights(const std::string& bytes, const std::string& path_for_messages);

}  // namespace dflab
