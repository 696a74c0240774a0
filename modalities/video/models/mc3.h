#pragma once
// MC3-18 (model "mc3_18"): a video ResNet-18 with full 3x3x3 convolutions in layer1 and spatial-only
// 1x3x3 convolutions from layer2 on ("mixed convolutions": motion modelled early, appearance late).
// Layout and names follow torchvision's video.mc3_18 (stem.0, layer1.0.conv1.0, layer2.0.downsample.0,
// ..., fc) so its Kinetics state dict maps onto ours except the head.
// ref: Tran et al. 2018, "A Closer Look at Spatiotemporal Convolutions for Action Recognition", MC3;
//      torchvision/models/video/resnet.py (VideoResNet, BasicStem, Conv3DSimple, Conv3DNoTemporal):
//      11,695,440 parameters with 400 classes (torchvision 0.14, see model_zoo_test), ours =
//      that - 399 * (512 + 1) = 11,490,753 with the 1-logit head.

#include "modalities/models/model.h"

namespace dflab {

struct Mc3Options {
  std::int64_t in_channels = 3;
  double dropout = 0.0;
};

class Mc3Impl : public torch::nn::Module {
 public:
  explicit Mc3Impl(const Mc3Options& o);
  // x: [N, T, C, H, W] float (our sequence layout; permuted to [N, C, T, H, W]) -> logits [N].
  // Time is never strided: T stays T; space shrinks by 16.
  torch::Tensor forward(torch::Tensor x);

 private:
  Mc3Options o_;
  torch::nn::Sequential stem{nullptr}, layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Mc3);

class Mc3Model final : public NetModel<Mc3> {
 public:
  static PluginInfo info();
  explicit Mc3Model(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
