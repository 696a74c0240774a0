#pragma once
// Named tensors out as a PyTorch state dict, the file `torch.save(model.state_dict(), path)`
// writes, so that Python reads it with `torch.load(path, weights_only=True)` and a model with the
// same names takes it with `load_state_dict(sd, strict=True)`.
//
//   write_state_dict("model.pth", model.named_state());   // model.h
//
// Why our own pickle: libtorch's torch::pickle_save writes a dict tagged with
// torch.jit._pickle.restore_type_tag, which torch.load(weights_only=True) refuses, and its
// torch::save writes a TorchScript archive that torch.load cannot read as a state dict.
// ref: torch/serialization.py (_save: data.pkl + data/<key> storages + version in one zip, written
// by the same caffe2::serialize::PyTorchStreamWriter that torch.save uses).
//
// The pickle (protocol 2) holds a collections.OrderedDict in the given order; each tensor is
// torch._utils._rebuild_tensor_v2 over its own storage, contiguous, on the CPU, without grad.

#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace dflab {

// The zip archive's bytes. Throws std::invalid_argument for a duplicate name or a dtype PyTorch has
// no typed storage for (complex, quantised).
std::string state_dict_bytes(const std::vector<std::pair<std::string, torch::Tensor>>& tensors);

// Writes state_dict_bytes to `path` through a temp file renamed into place; throws
// std::runtime_error naming the file when it cannot be written.
void write_state_dict(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors);

}  // namespace dflab
