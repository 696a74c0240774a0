#include "modalities/audio/models/graph_attention.h"

#include <algorithm>

namespace dflab {

namespace {

// nn.Parameter(torch.FloatTensor(out_dim, 1)) with xavier_normal_, as the reference's _init_new_params.
torch::Tensor attention_weight(torch::nn::Module& m, const std::string& name, std::int64_t out_dim) {
  torch::Tensor w = torch::empty({out_dim, 1});
  torch::nn::init::xavier_normal_(w);
  return m.register_parameter(name, w);
}

// Pairwise products of nodes: x [N, n, d] -> [N, n, n, d], entry (i, j) = x_i * x_j.
torch::Tensor pairwise_products(const torch::Tensor& x) {
  const torch::Tensor rows = x.unsqueeze(2).expand({-1, -1, x.size(1), -1});
  return rows * rows.transpose(1, 2);
}

// BatchNorm1d over every node: [N, n, d] viewed as [N * n, d].
torch::Tensor node_batch_norm(nn::BatchNorm1d& bn, const torch::Tensor& x) {
  return bn(x.reshape({-1, x.size(-1)})).view(x.sizes());
}

}  // namespace

GraphAttentionLayerImpl::GraphAttentionLayerImpl(std::int64_t in_dim, std::int64_t out_dim, double temperature)
    : temperature_(temperature) {
  att_proj = register_module("att_proj", torch::nn::Linear(in_dim, out_dim));
  att_weight = attention_weight(*this, "att_weight", out_dim);
  proj_with_att = register_module("proj_with_att", torch::nn::Linear(in_dim, out_dim));
  proj_without_att = register_module("proj_without_att", torch::nn::Linear(in_dim, out_dim));
  bn = register_module("bn", nn::BatchNorm1d(out_dim));
  input_drop = register_module("input_drop", torch::nn::Dropout(0.2));
}

torch::Tensor GraphAttentionLayerImpl::forward(torch::Tensor x) {
  x = input_drop(x);
  // Attention map [N, n, n, 1], softmax over the neighbour axis (dim -2) as the reference.
  torch::Tensor att = torch::matmul(torch::tanh(att_proj(pairwise_products(x))), att_weight);
  att = torch::softmax(att / temperature_, /*dim=*/-2);
  x = proj_with_att(torch::matmul(att.squeeze(-1), x)) + proj_without_att(x);
  return torch::selu(node_batch_norm(bn, x));
}

HtrgGraphAttentionLayerImpl::HtrgGraphAttentionLayerImpl(std::int64_t in_dim, std::int64_t out_dim, double temperature)
    : temperature_(temperature) {
  proj_type1 = register_module("proj_type1", torch::nn::Linear(in_dim, in_dim));
  proj_type2 = register_module("proj_type2", torch::nn::Linear(in_dim, in_dim));
  att_proj = register_module("att_proj", torch::nn::Linear(in_dim, out_dim));
  att_projM = register_module("att_projM", torch::nn::Linear(in_dim, out_dim));
  att_weight11 = attention_weight(*this, "att_weight11", out_dim);
  att_weight22 = attention_weight(*this, "att_weight22", out_dim);
  att_weight12 = attention_weight(*this, "att_weight12", out_dim);
  att_weightM = attention_weight(*this, "att_weightM", out_dim);
  proj_with_att = register_module("proj_with_att", torch::nn::Linear(in_dim, out_dim));
  proj_without_att = register_module("proj_without_att", torch::nn::Linear(in_dim, out_dim));
  proj_with_attM = register_module("proj_with_attM", torch::nn::Linear(in_dim, out_dim));
  proj_without_attM = register_module("proj_without_attM", torch::nn::Linear(in_dim, out_dim));
  bn = register_module("bn", nn::BatchNorm1d(out_dim));
  input_drop = register_module("input_drop", torch::nn::Dropout(0.2));
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> HtrgGraphAttentionLayerImpl::forward(torch::Tensor x1, torch::Tensor x2,
                                                                                            torch::Tensor master) {
  const std::int64_t n1 = x1.size(1), n2 = x2.size(1);
  torch::Tensor x = torch::cat({proj_type1(x1), proj_type2(x2)}, /*dim=*/1);   // [N, n1 + n2, in_dim]
  if (!master.defined()) master = x.mean(/*dim=*/1, /*keepdim=*/true);
  x = input_drop(x);

  // Pair attention [N, n, n, 1]: the block of each (type, type) pair has its own weight vector
  // (the reference fills a zero board block by block; concatenating the blocks is the same map).
  const torch::Tensor a = torch::tanh(att_proj(pairwise_products(x)));   // [N, n, n, out_dim]
  auto block = [&](std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1, const torch::Tensor& w) {
    return torch::matmul(a.slice(1, r0, r1).slice(2, c0, c1), w);
  };
  const std::int64_t n = n1 + n2;
  torch::Tensor att = torch::cat({torch::cat({block(0, n1, 0, n1, att_weight11), block(0, n1, n1, n, att_weight12)}, 2),
                                  torch::cat({block(n1, n, 0, n1, att_weight12), block(n1, n, n1, n, att_weight22)}, 2)},
                                 1);
  att = torch::softmax(att / temperature_, /*dim=*/-2);

  // Master node: attention of every node to it, then its projection [N, 1, out_dim].
  torch::Tensor att_m = torch::matmul(torch::tanh(att_projM(x * master)), att_weightM);   // [N, n, 1]
  att_m = torch::softmax(att_m / temperature_, /*dim=*/-2);
  master = proj_with_attM(torch::matmul(att_m.squeeze(-1).unsqueeze(1), x)) + proj_without_attM(master);

  x = proj_with_att(torch::matmul(att.squeeze(-1), x)) + proj_without_att(x);
  x = torch::selu(node_batch_norm(bn, x));
  return {x.narrow(1, 0, n1), x.narrow(1, n1, n2), master};
}

GraphPoolImpl::GraphPoolImpl(double ratio, std::int64_t in_dim, double dropout) : ratio_(ratio) {
  proj = register_module("proj", torch::nn::Linear(in_dim, 1));
  drop = register_module("drop", torch::nn::Dropout(dropout));
}

torch::Tensor GraphPoolImpl::forward(torch::Tensor h) {
  const torch::Tensor scores = torch::sigmoid(proj(drop(h)));   // [N, n, 1]
  // int(n * k) in the reference: truncation of the double product.
  const auto keep = std::max<std::int64_t>(static_cast<std::int64_t>(static_cast<double>(h.size(1)) * ratio_), 1);
  const torch::Tensor idx = std::get<1>(torch::topk(scores, keep, /*dim=*/1)).expand({-1, -1, h.size(2)});
  return torch::gather(h * scores, /*dim=*/1, idx);
}

}  // namespace dflab
