#pragma once
// Xception (model "xception"): depthwise-separable convolutions with residual connections, the
// FaceForensics++ baseline. Module names follow Cadene's pretrainedmodels / timm legacy_xception
// (conv1, bn1, block1.skip, block1.rep.0.conv1, ..., conv4, bn4, fc) so their weights could map.
// ref: Chollet 2017, "Xception: Deep Learning with Depthwise Separable Convolutions";
//      Cadene/pretrained-models.pytorch xception.py: 22,855,952 parameters with 1000 classes,
//      ours = that - 999 * (2048 + 1) = 20,809,001 with the 1-logit head.

#include "modalities/models/model.h"

namespace dflab {

struct XceptionOptions {
  std::int64_t in_channels = 3;
  double dropout = 0.0;
};

class XceptionImpl : public torch::nn::Module {
 public:
  explicit XceptionImpl(const XceptionOptions& o);
  // x: [N, C, H, W] float (H, W >= 32; 299 in the paper) -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  XceptionOptions o_;
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr}, bn4{nullptr};
  torch::nn::Sequential blocks{nullptr};   // block1 ... block12, registered under their own names
  std::shared_ptr<torch::nn::Module> conv3, conv4;
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Xception);

class XceptionModel final : public NetModel<Xception> {
 public:
  static PluginInfo info();
  explicit XceptionModel(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
