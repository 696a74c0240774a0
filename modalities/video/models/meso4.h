#pragma once
// Meso-4 (model "meso4"): the small CNN made for deepfake faces.
// ref: Afchar et al. 2018, "MesoNet: a Compact Facial Video Forgery Detection Network";
//      https://github.com/DariusAf/MesoNet classifiers.py (Meso4): 27,977 parameters at 256 px.

#include "modalities/models/model.h"

namespace dflab {

struct Meso4Options {
  std::int64_t input_size = 256;   // multiple of 32 (four poolings: 2, 2, 2, 4)
  std::int64_t in_channels = 3;
  double width = 1.0;              // multiplies the 8/16 conv channels
  double dropout = 0.5;
};

class Meso4Impl : public torch::nn::Module {
 public:
  explicit Meso4Impl(const Meso4Options& o);
  // x: [N, C, S, S] float -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  Meso4Options o_;
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr}, conv4{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr}, bn4{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(Meso4);

class Meso4Model final : public NetModel<Meso4> {
 public:
  static PluginInfo info();
  explicit Meso4Model(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
