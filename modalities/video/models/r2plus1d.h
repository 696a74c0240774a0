#pragma once
// R(2+1)D-18 (model "r2plus1d_18"): a video ResNet-18 whose 3D convolutions are factorised into a
// spatial 1x3x3 and a temporal 3x1x1 convolution. Layout and names follow torchvision's
// video.r2plus1d_18 (stem, layer1.0.conv1.0.0, ..., fc) so its Kinetics weights could map.
// ref: Tran et al. 2018, "A Closer Look at Spatiotemporal Convolutions for Action Recognition";
//      torchvision/models/video/resnet.py: 31,505,325 parameters with 400 classes,
//      ours = that - 399 * (512 + 1) = 31,300,638 with the 1-logit head.

#include "modalities/models/model.h"

namespace dflab {

struct R2Plus1dOptions {
  std::int64_t in_channels = 3;
  double dropout = 0.0;
};

class R2Plus1dImpl : public torch::nn::Module {
 public:
  explicit R2Plus1dImpl(const R2Plus1dOptions& o);
  // x: [N, T, C, H, W] float (our sequence layout; permuted to [N, C, T, H, W]) -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  R2Plus1dOptions o_;
  torch::nn::Sequential stem{nullptr}, layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(R2Plus1d);

class R2Plus1dModel final : public NetModel<R2Plus1d> {
 public:
  static PluginInfo info();
  explicit R2Plus1dModel(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
