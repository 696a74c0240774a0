#pragma once
// EfficientNet-B0 ... B7 (models "efficientnet_b0" ... "efficientnet_b7") from one implementation:
// the B0 stage table scaled by each variant's width / depth / resolution coefficients.
// MBConv blocks: 1x1 expand -> k x k depthwise -> squeeze-excitation -> 1x1 project, SiLU (swish),
// residual with stochastic depth when shape allows. Module layout and channel rounding follow
// torchvision so its weights could map later; parameters with 1000 classes (torchvision docs):
// B0 5,288,548; ours = that - 1280*1000 - 1000 + 1280 + 1 = 4,008,829 with the 1-logit head.
// ref: Tan & Le 2019, "EfficientNet: Rethinking Model Scaling for CNNs", Table 1;
//      torchvision/models/efficientnet.py (_efficientnet_conf, MBConv, _make_divisible).

#include "modalities/models/model.h"

#include <utility>
#include <vector>

namespace dflab {

// Compound-scaling coefficients of one variant.
struct EfficientNetScaling {
  double width;               // channel multiplier
  double depth;               // layer-count multiplier
  std::int64_t resolution;    // input side, px
  double dropout;             // before the classifier
};
// b = 0..7; throws std::invalid_argument otherwise.
EfficientNetScaling efficientnet_scaling(int b);

// torchvision _make_divisible: round to a multiple of `divisor`, never more than 10% below v.
std::int64_t make_divisible(double v, std::int64_t divisor = 8);

// One stage of B0 (Tan & Le 2019 Table 1, stages 2..8): MBConv expansion, kernel, first stride,
// channels in/out, layers. Shared by the 2D and 3D (efficientnet3d.h) networks.
struct EfficientNetStage {
  std::int64_t expand, kernel, stride, in, out, layers;
};
const std::vector<EfficientNetStage>& efficientnet_b0_stages();

struct EfficientNetOptions {
  double width = 1.0;
  double depth = 1.0;
  double dropout = 0.2;
  double stochastic_depth = 0.2;   // drop probability of the last block; linear from 0 over blocks
  std::int64_t in_channels = 3;
  bool head = true;   // false: no classifier (a trunk for another model, forward_features only)
  // BatchNorm of every conv. torchvision builds B0-B4 with nn.BatchNorm2d's defaults and B5-B7
  // with eps 1e-3, momentum 0.01 (efficientnet_b5..b7: norm_layer=partial(nn.BatchNorm2d, ...));
  // efficientnet_bn_options(b) gives each variant's pair.
  double bn_eps = 1e-5;
  double bn_momentum = 0.1;
  // TensorFlow SAME padding in the strided convolutions (parameter padding = "tf_same").
  bool tf_same_padding = false;
};

// torchvision's BatchNorm eps and momentum of variant b (0..7).
std::pair<double, double> efficientnet_bn_options(int b);

class EfficientNetImpl : public torch::nn::Module {
 public:
  explicit EfficientNetImpl(const EfficientNetOptions& o);
  // x: [N, C, H, W] float (H, W >= 32) -> logits [N]
  torch::Tensor forward(torch::Tensor x);
  // x: [N, C, H, W] -> pooled features [N, n_features()]
  torch::Tensor forward_features(torch::Tensor x);
  std::int64_t n_features() const { return n_features_; }

 private:
  EfficientNetOptions o_;
  std::int64_t n_features_ = 0;
  torch::nn::Sequential features{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(EfficientNet);

class EfficientNetModel final : public NetModel<EfficientNet> {
 public:
  static PluginInfo info(int b);
  EfficientNetModel(int b, const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
