// modalities/models/batch_norm.h: dflab's batch norm is torch's (forward, backward, running
// statistics, state names); its synchronised path with a one-rank reducer computes the same
// thing, so what the ranks add up is the single-process batch norm (distributed_test checks 2 ranks).
#include <gtest/gtest.h>

#include "modalities/models/batch_norm.h"

namespace dflab {
namespace {

class OneRank : public nn::BatchStatsReducer {
 public:
  void all_reduce_sum(std::vector<torch::Tensor>&) override { ++calls; }
  int calls = 0;
};

struct Outcome {
  torch::Tensor y, dx, dw, db, mean, var, count;
};

template <class Layer>
Outcome train_step(Layer& bn, const torch::Tensor& x_in, const torch::Tensor& upstream) {
  torch::Tensor x = x_in.clone().requires_grad_(true);
  torch::Tensor y = bn->forward(x);
  (y * upstream).sum().backward();
  return {y.detach(), x.grad(), bn->weight.grad(), bn->bias.grad(), bn->running_mean.clone(), bn->running_var.clone(),
          bn->num_batches_tracked.clone()};
}

void expect_close(const Outcome& a, const Outcome& b, double tol) {
  EXPECT_TRUE(torch::allclose(a.y, b.y, tol, tol)) << (a.y - b.y).abs().max();
  EXPECT_TRUE(torch::allclose(a.dx, b.dx, tol, tol)) << (a.dx - b.dx).abs().max();
  EXPECT_TRUE(torch::allclose(a.dw, b.dw, tol, tol)) << (a.dw - b.dw).abs().max();
  EXPECT_TRUE(torch::allclose(a.db, b.db, tol, tol)) << (a.db - b.db).abs().max();
  EXPECT_TRUE(torch::allclose(a.mean, b.mean, tol, tol)) << (a.mean - b.mean).abs().max();
  EXPECT_TRUE(torch::allclose(a.var, b.var, tol, tol)) << (a.var - b.var).abs().max();
  EXPECT_TRUE(torch::equal(a.count, b.count));
}

TEST(BatchNorm, IsTorchsLayerAndItsSyncedPathAgreesOnOneRank) {
  torch::manual_seed(7);
  const torch::Tensor x = torch::randn({6, 3, 5, 4}) * 2 + 1;
  const torch::Tensor upstream = torch::randn({6, 3, 5, 4});
  torch::nn::BatchNorm2d reference(torch::nn::BatchNorm2dOptions(3).momentum(0.2));
  nn::BatchNorm2d ours(torch::nn::BatchNorm2dOptions(3).momentum(0.2));
  {
    torch::NoGradGuard no_grad;
    for (auto* bn : {&reference->weight, &ours->weight}) bn->copy_(torch::tensor({0.5, 1.5, -1.0}));
    for (auto* bn : {&reference->bias, &ours->bias}) bn->copy_(torch::tensor({0.1, -0.2, 0.3}));
  }
  // Same state names and order as torch's: checkpoints and pretrained files load alike.
  std::vector<std::string> a, b;
  for (const auto& p : reference->named_parameters()) a.push_back(p.key());
  for (const auto& p : reference->named_buffers()) a.push_back(p.key());
  for (const auto& p : ours->named_parameters()) b.push_back(p.key());
  for (const auto& p : ours->named_buffers()) b.push_back(p.key());
  EXPECT_EQ(a, b);

  const Outcome torch_out = train_step(reference, x, upstream);
  const Outcome plain = train_step(ours, x, upstream);
  expect_close(plain, torch_out, 1e-6);

  nn::BatchNorm2d synced(torch::nn::BatchNorm2dOptions(3).momentum(0.2));
  {
    torch::NoGradGuard no_grad;
    synced->weight.copy_(ours->weight);
    synced->bias.copy_(ours->bias);
  }
  OneRank reducer;
  Outcome sync;
  {
    nn::SyncBatchNormScope scope(reducer);
    sync = train_step(synced, x, upstream);
  }
  EXPECT_EQ(reducer.calls, 2);   // statistics in forward, gradient sums in backward
  expect_close(sync, torch_out, 1e-5);

  // Eval mode uses the running statistics, scope or not.
  synced->eval();
  reference->eval();
  nn::SyncBatchNormScope scope(reducer);
  EXPECT_TRUE(torch::allclose(synced->forward(x), reference->forward(x), 1e-5, 1e-5));
  EXPECT_EQ(reducer.calls, 2);
}

TEST(BatchNorm, OneAndThreeDimensionalLayersMatchTorchs) {
  torch::manual_seed(8);
  torch::nn::BatchNorm1d r1(4);
  nn::BatchNorm1d o1(4);
  const torch::Tensor x1 = torch::randn({5, 4, 7});
  EXPECT_TRUE(torch::allclose(r1->forward(x1), o1->forward(x1), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(r1->running_var, o1->running_var, 1e-6, 1e-6));
  torch::nn::BatchNorm3d r3(torch::nn::BatchNorm3dOptions(2).affine(false).momentum(c10::nullopt));
  nn::BatchNorm3d o3(torch::nn::BatchNorm3dOptions(2).affine(false).momentum(c10::nullopt));
  const torch::Tensor x3 = torch::randn({2, 2, 3, 4, 4});
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(torch::allclose(r3->forward(x3 + i), o3->forward(x3 + i), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(r3->running_mean, o3->running_mean, 1e-6, 1e-6));
  EXPECT_THROW(o3->forward(torch::randn({2, 2, 3})), c10::Error);
}

}  // namespace
}  // namespace dflab
