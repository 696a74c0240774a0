#pragma once
// The batch-norm layers every model plugin uses: torch's, plus synchronised batch statistics for
// data-parallel training (PyTorch's SyncBatchNorm, which libtorch 1.13's C++ API lacks).
//
// While a SyncBatchNormScope is alive (the trainer opens one for `sync_bn = true` in a distributed
// run), each of these layers in training mode normalises with the mean and variance of the batch
// over all ranks and updates its running statistics from them; its backward pass all-reduces the
// two per-channel sums it needs. In eval mode, or without a scope, it is torch's layer unchanged.
// The models know nothing of process groups: the scope takes any BatchStatsReducer.
//
// As PyTorch's, the gradients are exact when every rank holds the same number of samples (the
// data-parallel average then weighs ranks equally); an uneven last batch is approximated.

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <vector>

#include <torch/torch.h>

namespace dflab::nn {

class BatchStatsReducer {
 public:
  virtual ~BatchStatsReducer() = default;
  // In place: every tensor becomes its sum over the ranks. Every rank calls it in the same order.
  virtual void all_reduce_sum(std::vector<torch::Tensor>& tensors) = 0;
};

class SyncBatchNormScope {
 public:
  explicit SyncBatchNormScope(BatchStatsReducer& reducer);
  ~SyncBatchNormScope();
  SyncBatchNormScope(const SyncBatchNormScope&) = delete;
  SyncBatchNormScope& operator=(const SyncBatchNormScope&) = delete;

 private:
  BatchStatsReducer* previous_;
};

// The reducer of the innermost live scope, or nullptr.
BatchStatsReducer* active_batch_stats_reducer();

// Batch norm over channel dim 1 with statistics over every rank; updates the running statistics
// (when given) as torch's layer does. Used by the layers below.
torch::Tensor sync_batch_norm(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias,
                              torch::Tensor running_mean, torch::Tensor running_var, torch::Tensor num_batches_tracked,
                              c10::optional<double> momentum, double eps, BatchStatsReducer& reducer);

// torch::nn::BatchNorm{1,2,3}d's parameters, buffers (same names, same order: checkpoints and
// pretrained files load alike), options and maths, with the synchronised path above. Written out,
// not derived from torch's classes: their base's virtual members are not exported by libtorch.
template <std::size_t D>
class SyncableBatchNormImpl : public torch::nn::Cloneable<SyncableBatchNormImpl<D>> {
 public:
  explicit SyncableBatchNormImpl(std::int64_t num_features)
      : SyncableBatchNormImpl(torch::nn::BatchNormOptions(num_features)) {}
  explicit SyncableBatchNormImpl(const torch::nn::BatchNormOptions& options);
  void reset() override;
  void reset_running_stats();
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& input);

  torch::nn::BatchNormOptions options;
  torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;
};

using BatchNorm1dImpl = SyncableBatchNormImpl<1>;
using BatchNorm2dImpl = SyncableBatchNormImpl<2>;
using BatchNorm3dImpl = SyncableBatchNormImpl<3>;
TORCH_MODULE(BatchNorm1d);
TORCH_MODULE(BatchNorm2d);
TORCH_MODULE(BatchNorm3d);

extern template class SyncableBatchNormImpl<1>;
extern template class SyncableBatchNormImpl<2>;
extern template class SyncableBatchNormImpl<3>;

}  // namespace dflab::nn
