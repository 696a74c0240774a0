#pragma once
// Model plugins (kind "model"): a libtorch network that maps a batch of inputs to one logit of
// "fake" per sample. The training engine, inference and `dflab model info` only see this interface.
//
//   auto model = registry.create<Model>(kind::model, "resnet18", params);
//   InputSpec in = model->input();                       // shape contract, see input_spec.h
//   torch::Tensor logits = model->forward(torch::randn(in.shape(/*batch=*/8)));   // [8]
//   torch::optim::AdamW opt(model->parameters(), 1e-3);
//   model->train(); ... model->eval();
//
// This header includes torch: only code under modalities/models/, modalities/video/models/ and
// modalities/audio/models/ includes it. Everything else uses the torch-free model_summary.h /
// register_models.h.
//
// Plugins written with the C++ frontend derive from NetModel<Holder> (Options -> FooImpl ->
// TORCH_MODULE(Foo)), which forwards every call to the module; torchscript_model.h wraps a
// torch::jit::Module instead.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "modalities/models/batch_norm.h"   // every model's batch norm: torch's, or synced over ranks
#include "modalities/models/input_spec.h"
#include "registry/registry.h"

namespace dflab {

class Model : public Plugin {
 public:
  virtual InputSpec input() const = 0;
  // x: input().shape(N) (see input_spec.h) -> logits [N] (float, before sigmoid).
  virtual torch::Tensor forward(const torch::Tensor& x) = 0;
  // Every parameter, for an optimiser (it skips tensors that get no gradient, e.g. frozen with
  // requires_grad = false) and for the size limit.
  virtual std::vector<torch::Tensor> parameters() const = 0;
  // Every parameter and buffer by dotted name ("layer1.0.conv1.weight"): checkpoints, weight mapping.
  virtual std::vector<std::pair<std::string, torch::Tensor>> named_state() const = 0;
  virtual void train(bool on = true) = 0;
  void eval() { train(false); }
  virtual bool is_training() const = 0;
  virtual void to(const torch::Device& device) = 0;

  std::int64_t n_parameters() const;   // elements of parameters()
};

// Multiply-adds of one forward pass of a batch shaped `input_shape`, counted from the operators
// actually dispatched (an at::RecordFunction callback), so it covers TorchScript models too.
// Counted: convolution of any dimension (grouped/depthwise included) = N*C_out*prod(out)*C_in/g*prod(k);
// linear / addmm / mm / bmm / matmul = product of the output shape * the reduced dimension; LSTM/GRU
// through the matmuls they dispatch. Not counted: bias adds, batch-norm, activations, pooling,
// element-wise ops (the thop / ptflops convention). An op nested in a counted one is not re-counted.
double count_mult_adds(Model& model, const std::vector<std::int64_t>& input_shape);
// The same for whatever `run` does with the model (e.g. an audio-visual model's forward_av on
// zeros of both of its inputs), run in eval mode without autograd.
double count_mult_adds(Model& model, const std::function<void()>& run);

// Throws std::invalid_argument naming the model when n_parameters > max_params (FFDV: 200e6).
void check_max_params(const std::string& name, std::int64_t n_parameters, std::int64_t max_params);

// A module's parameters then buffers by their dotted names: Model::named_state of a C++-frontend net.
std::vector<std::pair<std::string, torch::Tensor>> module_state(const torch::nn::Module& net);

// A Model over a C++-frontend module holder (TORCH_MODULE(Foo) -> Foo). Subclasses set net_ and
// define info() and input().
template <class Holder>
class NetModel : public Model {
 public:
  torch::Tensor forward(const torch::Tensor& x) override { return net_->forward(x); }
  std::vector<torch::Tensor> parameters() const override { return net_->parameters(); }
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override { return module_state(*net_); }
  void train(bool on = true) override { net_->train(on); }
  bool is_training() const override { return net_->is_training(); }
  void to(const torch::Device& device) override { net_->to(device); }

  Holder& net() { return net_; }

 protected:
  Holder net_{nullptr};
};

// nn::Sequential cannot hold an nn::Sequential (its templated forward does not fit AnyModule); a Chain
// can: the same container with a Tensor -> Tensor forward. Children are named "0", "1", ... like a
// nested torch.nn.Sequential, so torchvision state-dict names still line up.
class ChainImpl : public torch::nn::SequentialImpl {
 public:
  using SequentialImpl::SequentialImpl;
  torch::Tensor forward(torch::Tensor x) { return SequentialImpl::forward(std::move(x)); }
};
TORCH_MODULE(Chain);

// Parameters many models share, declared once so their docs and ranges agree.
ParamSpec dropout_param(double def);
ParamSpec input_size_param(std::int64_t def, std::int64_t min);
ParamSpec width_param(double def = 1.0);
ParamSpec in_channels_param(std::int64_t def);

// Throws std::invalid_argument unless x is [N, ...dims] with the given trailing dims (-1 = any).
void check_input(const char* model, const torch::Tensor& x, const std::vector<std::int64_t>& dims);

}  // namespace dflab
