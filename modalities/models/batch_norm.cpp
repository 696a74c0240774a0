#include "modalities/models/batch_norm.h"

#include <cstdint>

namespace dflab::nn {

namespace {

thread_local BatchStatsReducer* g_reducer = nullptr;

// [1, C, 1, ...] for broadcasting a per-channel tensor over `like`.
torch::Tensor per_channel(const torch::Tensor& v, const torch::Tensor& like) {
  std::vector<std::int64_t> shape(static_cast<std::size_t>(like.dim()), 1);
  shape[1] = like.size(1);
  return v.reshape(shape);
}

// Every dim but the channels'.
std::vector<std::int64_t> reduce_dims(const torch::Tensor& x) {
  std::vector<std::int64_t> dims = {0};
  for (std::int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// y = (x - mean) * invstd * weight + bias with mean / invstd of the global batch (computed by the
// caller, constants here); backward all-reduces sum(dy) and sum(dy * (x - mean)) per channel.
struct SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& input, const torch::Tensor& weight,
                               const torch::Tensor& bias, const torch::Tensor& mean, const torch::Tensor& invstd,
                               double count, std::int64_t reducer) {
    ctx->save_for_backward({input, weight, mean, invstd});
    ctx->saved_data["count"] = count;
    ctx->saved_data["reducer"] = reducer;
    ctx->saved_data["affine"] = weight.defined();
    torch::Tensor y = (input - per_channel(mean, input)) * per_channel(invstd, input);
    if (weight.defined()) y = y * per_channel(weight, input) + per_channel(bias, input);
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& input = saved[0];
    const torch::Tensor& weight = saved[1];
    const torch::Tensor& mean = saved[2];
    const torch::Tensor& invstd = saved[3];
    const double count = ctx->saved_data["count"].toDouble();
    auto* reducer = reinterpret_cast<BatchStatsReducer*>(ctx->saved_data["reducer"].toInt());
    const bool affine = ctx->saved_data["affine"].toBool();
    const torch::Tensor dy = grads[0];
    const auto dims = reduce_dims(input);
    const torch::Tensor xmu = input - per_channel(mean, input);
    const torch::Tensor local_sum_dy = dy.sum(dims);
    const torch::Tensor local_sum_dy_xmu = (dy * xmu).sum(dims);
    // The parameters' gradients are this rank's part; data-parallel averaging adds the ranks up.
    torch::Tensor grad_weight, grad_bias;
    if (affine) {
      grad_weight = local_sum_dy_xmu * invstd;
      grad_bias = local_sum_dy;
    }
    std::vector<torch::Tensor> sums = {torch::cat({local_sum_dy, local_sum_dy_xmu}).to(torch::kFloat64)};
    reducer->all_reduce_sum(sums);
    const std::int64_t c = input.size(1);
    const torch::Tensor sum_dy = sums[0].slice(0, 0, c).to(input.scalar_type());
    const torch::Tensor sum_dy_xmu = sums[0].slice(0, c, 2 * c).to(input.scalar_type());
    torch::Tensor scale = invstd;
    if (affine) scale = scale * weight;
    const torch::Tensor grad_input =
        (dy - per_channel(sum_dy / count, input) - xmu * per_channel(invstd * invstd * sum_dy_xmu / count, input)) *
        per_channel(scale, input);
    return {grad_input, grad_weight, grad_bias, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

SyncBatchNormScope::SyncBatchNormScope(BatchStatsReducer& reducer) : previous_(g_reducer) { g_reducer = &reducer; }
SyncBatchNormScope::~SyncBatchNormScope() { g_reducer = previous_; }

BatchStatsReducer* active_batch_stats_reducer() { return g_reducer; }

torch::Tensor sync_batch_norm(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias,
                              torch::Tensor running_mean, torch::Tensor running_var, torch::Tensor num_batches_tracked,
                              c10::optional<double> momentum, double eps, BatchStatsReducer& reducer) {
  TORCH_CHECK(input.dim() >= 2, "sync batch norm: expected [N, C, ...], got ", input.sizes());
  const std::int64_t c = input.size(1);
  torch::Tensor mean, var, invstd;
  double count = 0.0;
  {
    torch::NoGradGuard no_grad;
    const auto dims = reduce_dims(input);
    // Sums in double: the variance is E[x^2] - E[x]^2 over the global batch.
    const torch::Tensor x = input.to(torch::kFloat64);
    std::vector<torch::Tensor> stats = {
        torch::cat({x.sum(dims), (x * x).sum(dims),
                    torch::full({1}, static_cast<double>(input.numel() / c), torch::kFloat64)})};
    reducer.all_reduce_sum(stats);
    count = stats[0][2 * c].item<double>();
    TORCH_CHECK(count > 1, "sync batch norm: expected more than one value per channel over all ranks");
    const torch::Tensor mean64 = stats[0].slice(0, 0, c) / count;
    const torch::Tensor var64 = (stats[0].slice(0, c, 2 * c) / count - mean64 * mean64).clamp_min(0.0);
    mean = mean64.to(input.scalar_type());
    var = var64.to(input.scalar_type());
    invstd = (var64 + eps).rsqrt().to(input.scalar_type());
    if (running_mean.defined()) {
      num_batches_tracked.add_(1);
      const double factor = momentum ? *momentum : 1.0 / num_batches_tracked.item<double>();
      running_mean.mul_(1.0 - factor).add_(mean64.to(running_mean.scalar_type()) * factor);
      running_var.mul_(1.0 - factor).add_((var64 * (count / (count - 1.0))).to(running_var.scalar_type()) * factor);
    }
  }
  return SyncBatchNormFunction::apply(input, weight, bias, mean, invstd, count,
                                      static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(&reducer)));
}

template <std::size_t D>
SyncableBatchNormImpl<D>::SyncableBatchNormImpl(const torch::nn::BatchNormOptions& options) : options(options) {
  reset();
}

template <std::size_t D>
void SyncableBatchNormImpl<D>::reset() {
  const std::int64_t n = options.num_features();
  if (options.affine()) {
    weight = this->register_parameter("weight", torch::empty({n}));
    bias = this->register_parameter("bias", torch::empty({n}));
  } else {
    weight = this->register_parameter("weight", torch::Tensor(), /*requires_grad=*/false);
    bias = this->register_parameter("bias", torch::Tensor(), /*requires_grad=*/false);
  }
  if (options.track_running_stats()) {
    running_mean = this->register_buffer("running_mean", torch::zeros({n}));
    running_var = this->register_buffer("running_var", torch::ones({n}));
    num_batches_tracked = this->register_buffer("num_batches_tracked", torch::tensor(0, torch::kLong));
  } else {
    running_mean = this->register_buffer("running_mean", torch::Tensor());
    running_var = this->register_buffer("running_var", torch::Tensor());
    num_batches_tracked = this->register_buffer("num_batches_tracked", torch::Tensor());
  }
  reset_parameters();
}

template <std::size_t D>
void SyncableBatchNormImpl<D>::reset_running_stats() {
  if (!options.track_running_stats()) return;
  torch::NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

template <std::size_t D>
void SyncableBatchNormImpl<D>::reset_parameters() {
  reset_running_stats();
  if (!options.affine()) return;
  torch::NoGradGuard no_grad;
  weight.fill_(1);
  bias.zero_();
}

template <std::size_t D>
void SyncableBatchNormImpl<D>::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "dflab::nn::BatchNorm" << D << "d(" << options.num_features() << ", eps=" << options.eps()
         << ", momentum=";
  if (options.momentum()) stream << *options.momentum();
  else stream << "None";
  stream << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats() << ")";
}

template <std::size_t D>
torch::Tensor SyncableBatchNormImpl<D>::forward(const torch::Tensor& input) {
  // torch's checks: [N, C] or [N, C, L] for 1d, [N, C, H, W] for 2d, [N, C, T, H, W] for 3d.
  const bool ok = D == 1 ? (input.dim() == 2 || input.dim() == 3) : input.dim() == static_cast<std::int64_t>(D) + 2;
  TORCH_CHECK(ok, "BatchNorm", D, "d: unexpected input of ", input.dim(), " dimensions");
  BatchStatsReducer* reducer = active_batch_stats_reducer();
  if (reducer && this->is_training())
    return sync_batch_norm(input, weight, bias, running_mean, running_var, num_batches_tracked, options.momentum(),
                           options.eps(), *reducer);
  // torch::nn::BatchNormImplBase::forward, as libtorch 1.13 has it.
  double factor = options.momentum().value_or(0.0);
  if (this->is_training() && options.track_running_stats() && num_batches_tracked.defined()) {
    num_batches_tracked += 1;
    factor = options.momentum() ? *options.momentum() : 1.0 / num_batches_tracked.item<double>();
  }
  return torch::nn::functional::detail::batch_norm(input, running_mean, running_var, weight, bias,
                                                   this->is_training() || !options.track_running_stats(), factor,
                                                   options.eps());
}

template class SyncableBatchNormImpl<1>;
template class SyncableBatchNormImpl<2>;
template class SyncableBatchNormImpl<3>;

}  // namespace dflab::nn
