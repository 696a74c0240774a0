#pragma once
// ResNet-18/34/50 (models "resnet18", "resnet34", "resnet50") with a 1-logit head, in torchvision's
// module layout and names (conv1, bn1, layer1.0.conv1, ..., layer2.0.downsample.0, fc), so a
// state dict exported from torchvision maps name for name (except fc: 1 output instead of 1000).
// ref: He et al. 2016; torchvision/models/resnet.py (v1.5: stride on the 3x3 conv of Bottleneck).
// Parameters with 1000 classes: 11,689,512 / 21,797,672 / 25,557,032 (torchvision docs);
// ours = those - 1000*F - 1000 + F + 1 with F = 512 / 512 / 2048.

#include "modalities/models/model.h"

namespace dflab {

struct ResNetOptions {
  int depth = 18;                  // 18, 34 or 50
  std::int64_t in_channels = 3;    // 1 for spectrogram images (mel_resnet18)
  double width = 1.0;              // multiplies the 64-128-256-512 stage widths
  double dropout = 0.0;            // before fc
  bool head = true;                // false: no fc (a trunk for another model, forward_features only)
};

class ResNetImpl : public torch::nn::Module {
 public:
  explicit ResNetImpl(const ResNetOptions& o);
  // x: [N, C, H, W] float (H, W >= 32) -> logits [N]
  torch::Tensor forward(torch::Tensor x);
  // x: [N, C, H, W] -> globally pooled features [N, n_features()]
  torch::Tensor forward_features(torch::Tensor x);
  std::int64_t n_features() const { return n_features_; }

 private:
  ResNetOptions o_;
  std::int64_t n_features_ = 0;
  torch::nn::Conv2d conv1{nullptr};
  nn::BatchNorm2d bn1{nullptr};
  torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(ResNet);

// Frame model plugin for one depth; resnet18 / resnet34 / resnet50 share it.
class ResNetModel final : public NetModel<ResNet> {
 public:
  static PluginInfo info(int depth);
  ResNetModel(int depth, const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
