#pragma once
// MobileNetV2 (model "mobilenet_v2"): inverted residual blocks with linear bottlenecks, ReLU6, in
// torchvision's module layout and names (features.0.0, features.1.conv.0.0, ..., features.18.1,
// classifier.1) so torchvision state dicts map name for name, and the int8 ImageNet network of
// ../shared/models/mobilenetv2/ maps convolution for convolution (pretrained.h).
// ref: Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks", Table 2;
//      torchvision/models/mobilenetv2.py (_make_divisible, InvertedResidual): 3,504,872 parameters
//      with 1000 classes; ours = that - 1000*1281 + 1281 = 2,225,153 with the 1-logit head.

#include "modalities/models/model.h"

namespace dflab {

struct MobileNetV2Options {
  std::int64_t in_channels = 3;
  double width = 1.0;      // torchvision's width_mult
  double dropout = 0.2;    // before the classifier, as torchvision
  bool head = true;        // false: features only
};

class MobileNetV2Impl : public torch::nn::Module {
 public:
  explicit MobileNetV2Impl(const MobileNetV2Options& o);
  // x: [N, C, H, W] float (H, W >= 32) -> logits [N]
  torch::Tensor forward(torch::Tensor x);
  // x: [N, C, H, W] -> globally pooled features [N, n_features()]
  torch::Tensor forward_features(torch::Tensor x);
  std::int64_t n_features() const { return n_features_; }

 private:
  MobileNetV2Options o_;
  std::int64_t n_features_ = 0;
  Chain features{nullptr};
  Chain classifier{nullptr};   // 0: dropout, 1: linear (torchvision's indices)
};
TORCH_MODULE(MobileNetV2);

class MobileNetV2Model final : public NetModel<MobileNetV2> {
 public:
  static PluginInfo info();
  explicit MobileNetV2Model(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
