#pragma once
// torchscript: any TorchScript file exported from PyTorch (torch.jit.trace or torch.jit.script,
// then .save()) used as a model — for inference and for fine-tuning in C++. This is how a user
// brings an ImageNet-pretrained backbone into dflab.
//
//   # python: torch.jit.trace(net.eval(), torch.zeros(1, 3, 224, 224)).save("net.pt")
//   [[models]]  plugin = "torchscript"  model = "net.pt"  input_size = 224
//
// The module's forward must take one float tensor shaped like input() and return [N] or [N, 1]
// logits ([N, 1] is squeezed). parameters() are the module's trainable tensors, so an optimiser
// fine-tunes them in place; train()/eval() switch dropout and batch-norm like in Python.

#include <torch/script.h>

#include "modalities/models/model.h"

namespace dflab {

class TorchScriptModel final : public Model {
 public:
  static PluginInfo info();
  // Throws std::runtime_error naming the file when it is missing or not a TorchScript archive.
  explicit TorchScriptModel(const Params& p);

  InputSpec input() const override { return input_; }
  torch::Tensor forward(const torch::Tensor& x) override;
  std::vector<torch::Tensor> parameters() const override;
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override;
  void train(bool on = true) override { module_.train(on); }
  bool is_training() const override { return module_.is_training(); }
  void to(const torch::Device& device) override { module_.to(device); }

  const std::string& path() const { return path_; }
  // Writes the module with its current (trained) weights as a TorchScript archive (torch.jit.load).
  void save(const std::string& file) const { module_.save(file); }

 private:
  std::string path_;
  InputSpec input_;
  mutable torch::jit::Module module_;   // jit::Module's accessors are non-const
};

}  // namespace dflab
