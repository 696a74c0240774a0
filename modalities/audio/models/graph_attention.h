#pragma once
// The graph layers of AASIST (aasist.h): graph attention over one node type, heterogeneous
// stacking graph attention over two node types (temporal, spectral) with a master node, and
// attention-score graph pooling. Nodes are rows: x [N, n_nodes, dim].
// ref: Jung et al., ICASSP 2022, "AASIST: Audio Anti-Spoofing using Integrated Spectro-Temporal
//      Graph Attention Networks", sections 2.2-2.4; github.com/clovaai/aasist models/AASIST.py
//      (GraphAttentionLayer, HtrgGraphAttentionLayer, GraphPool), whose tensor names these keep.

#include <tuple>

#include <torch/torch.h>

#include "modalities/models/batch_norm.h"

namespace dflab {

// GraphAttentionLayer: x [N, n, in_dim] -> [N, n, out_dim]. Attention between every pair of
// nodes from their element-wise product, softmax over neighbours at `temperature`; output =
// W_att (A x) + W x, then BatchNorm over all nodes and SELU. Input dropout 0.2.
class GraphAttentionLayerImpl : public torch::nn::Module {
 public:
  GraphAttentionLayerImpl(std::int64_t in_dim, std::int64_t out_dim, double temperature);
  torch::Tensor forward(torch::Tensor x);

 private:
  double temperature_;
  torch::nn::Linear att_proj{nullptr}, proj_with_att{nullptr}, proj_without_att{nullptr};
  torch::Tensor att_weight;   // [out_dim, 1]
  nn::BatchNorm1d bn{nullptr};
  torch::nn::Dropout input_drop{nullptr};
};
TORCH_MODULE(GraphAttentionLayer);

// HtrgGraphAttentionLayer (HS-GAL): two node sets x1 [N, n1, in_dim], x2 [N, n2, in_dim] projected
// into one graph; pair attention weighted by type (att_weight11 / 22 within a type, 12 across);
// a master node [1 or N, 1, in_dim] attends to all nodes. Returns (x1', x2', master'), each with
// out_dim features.
class HtrgGraphAttentionLayerImpl : public torch::nn::Module {
 public:
  HtrgGraphAttentionLayerImpl(std::int64_t in_dim, std::int64_t out_dim, double temperature);
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> forward(torch::Tensor x1, torch::Tensor x2, torch::Tensor master);

 private:
  double temperature_;
  torch::nn::Linear proj_type1{nullptr}, proj_type2{nullptr}, att_proj{nullptr}, att_projM{nullptr};
  torch::Tensor att_weight11, att_weight22, att_weight12, att_weightM;   // [out_dim, 1] each
  torch::nn::Linear proj_with_att{nullptr}, proj_without_att{nullptr}, proj_with_attM{nullptr}, proj_without_attM{nullptr};
  nn::BatchNorm1d bn{nullptr};
  torch::nn::Dropout input_drop{nullptr};
};
TORCH_MODULE(HtrgGraphAttentionLayer);

// GraphPool: keeps the max(int(n * ratio), 1) nodes of highest sigmoid score (a linear layer on
// the node, after dropout p), each scaled by its score, in descending score order:
// h [N, n, dim] -> [N, n', dim].
class GraphPoolImpl : public torch::nn::Module {
 public:
  GraphPoolImpl(double ratio, std::int64_t in_dim, double dropout);
  torch::Tensor forward(torch::Tensor h);

 private:
  double ratio_;
  torch::nn::Linear proj{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(GraphPool);

}  // namespace dflab
