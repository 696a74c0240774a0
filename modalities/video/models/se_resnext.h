#pragma once
// SE-ResNeXt-50 32x4d (model "se_resnext50"): ResNeXt bottlenecks (32 groups of width 4) with a
// squeeze-excitation gate per block; a DFDC top-3 backbone. Names follow Cadene's
// pretrainedmodels senet.py (layer0.conv1, layer1.0.se_module.fc1, ..., last_linear).
// ref: Hu et al. 2018 (SENet), Xie et al. 2017 (ResNeXt); Cadene/pretrained-models.pytorch
//      senet.py se_resnext50_32x4d: 27,559,896 parameters with 1000 classes,
//      ours = that - 999 * (2048 + 1) = 25,512,945 with the 1-logit head.

#include "modalities/models/model.h"

namespace dflab {

struct SeResNeXtOptions {
  std::int64_t in_channels = 3;
  double dropout = 0.0;
};

class SeResNeXtImpl : public torch::nn::Module {
 public:
  explicit SeResNeXtImpl(const SeResNeXtOptions& o);
  // x: [N, C, H, W] float (H, W >= 32) -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  SeResNeXtOptions o_;
  torch::nn::Sequential layer0{nullptr}, layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear last_linear{nullptr};
};
TORCH_MODULE(SeResNeXt);

class SeResNeXtModel final : public NetModel<SeResNeXt> {
 public:
  static PluginInfo info();
  explicit SeResNeXtModel(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
