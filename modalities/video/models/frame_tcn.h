#pragma once
// frame_tcn (sequence model): a frame CNN (resnet18/34/50 or efficientnet_b0 trunk) embeds each of
// the k frames of a clip; a temporal convolution head (two Conv1d-BN-ReLU layers over time, max over
// time, dropout, linear) turns the k embeddings into one logit. Catches flicker and temporal
// inconsistency that a per-frame model averages away.
// ref: the DFDC "CNN + temporal head" entries (e.g. NTech-Lab, 3rd place); Bai et al. 2018 (TCN).

#include "modalities/models/model.h"
#include "modalities/video/models/efficientnet.h"
#include "modalities/video/models/resnet.h"

namespace dflab {

struct FrameTcnOptions {
  std::string backbone = "resnet18";   // resnet18 | resnet34 | resnet50 | efficientnet_b0
  std::int64_t frames = 8;             // k
  std::int64_t in_channels = 3;
  double width = 1.0;                  // backbone width multiplier
  std::int64_t hidden = 256;           // temporal channels
  std::int64_t kernel = 3;             // temporal kernel (odd), frames
  double dropout = 0.3;
};

class FrameTcnImpl : public torch::nn::Module {
 public:
  explicit FrameTcnImpl(const FrameTcnOptions& o);
  // x: [N, T, C, H, W] float, T = frames -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  FrameTcnOptions o_;
  ResNet resnet{nullptr};               // one of the two backbones is set
  EfficientNet efficientnet{nullptr};
  torch::nn::Conv1d tconv1{nullptr}, tconv2{nullptr};
  nn::BatchNorm1d tbn1{nullptr}, tbn2{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(FrameTcn);

class FrameTcnModel final : public NetModel<FrameTcn> {
 public:
  static PluginInfo info();
  explicit FrameTcnModel(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
