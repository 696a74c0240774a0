#pragma once
// EfficientNet-B0 with 3D convolutions over T frames (model "efficientnet3d_b0"): the DFDC 3rd-place
// (NTechLab) sequence model, "a 3D convolution added to each EfficientNet block": in every MBConv
// block that expands (expand ratio 6), the 1x1 expansion conv becomes a 3x1x1 Conv3d across the T
// frames of a clip (padding 1 in time), so each block mixes neighbouring frames; everything else runs
// per frame. Per-frame logits are averaged over T to one logit per clip (NTechLab averages the
// per-frame probabilities of all clips of a track later, in the aggregator).
// Module names follow torchvision's efficientnet_b0 (features.S.B.block.0.0 ...); the temporal conv
// sits at block.0.0.conv (weight [C_out, C_in, 3, 1, 1]), as NTechLab's _expand_conv.conv.
// ref: github.com/NTech-Lab/deepfake-detection-challenge predict.py (SeqExpandConv,
//      TrackSequencesClassifier; VIDEO_SEQUENCE_MODEL_SEQUENCE_LENGTH = 7);
//      torchvision/models/efficientnet.py for the B0 stages, channel rounding and SE.

#include "modalities/models/model.h"

namespace dflab {

struct EfficientNet3dOptions {
  std::int64_t frames = 7;         // T: the temporal convs are built for this clip length
  double width = 1.0;
  double depth = 1.0;
  double dropout = 0.2;
  double stochastic_depth = 0.2;
  std::int64_t in_channels = 3;
};

class EfficientNet3dImpl : public torch::nn::Module {
 public:
  explicit EfficientNet3dImpl(const EfficientNet3dOptions& o);
  // x: [N, T, C, H, W] float, T = frames, H, W >= 32 -> logits [N] (mean over T of per-frame logits)
  torch::Tensor forward(torch::Tensor x);

 private:
  EfficientNet3dOptions o_;
  torch::nn::Sequential features{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(EfficientNet3d);

class EfficientNet3dModel final : public NetModel<EfficientNet3d> {
 public:
  static PluginInfo info();
  explicit EfficientNet3dModel(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
