#pragma once
// MesoInception-4 (model "mesoinception4"): Meso-4 whose first two conv layers are replaced by
// inception modules with dilated 3x3 branches.
// ref: Afchar et al. 2018, MesoNet; https://github.com/DariusAf/MesoNet classifiers.py
//      (MesoInception4.InceptionLayer(a, b, c, d): 1x1 | 1x1->3x3 | 1x1->3x3 dil 2 | 1x1->3x3 dil 3).

#include "modalities/models/model.h"

namespace dflab {

struct MesoInception4Options {
  std::int64_t input_size = 256;   // multiple of 32
  std::int64_t in_channels = 3;
  double dropout = 0.5;
};

class MesoInception4Impl : public torch::nn::Module {
 public:
  explicit MesoInception4Impl(const MesoInception4Options& o);
  // x: [N, C, S, S] float -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  MesoInception4Options o_;
  torch::nn::ModuleList inc1{nullptr}, inc2{nullptr};   // the four branches of each inception layer
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr}, bn4{nullptr};
  torch::nn::Conv2d conv3{nullptr}, conv4{nullptr};
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(MesoInception4);

class MesoInception4Model final : public NetModel<MesoInception4> {
 public:
  static PluginInfo info();
  explicit MesoInception4Model(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
