#include "modalities/video/models/efficientnet3d.h"

#include "modalities/video/models/efficientnet.h"

#include <cmath>

namespace dflab {

namespace {

// NTechLab SeqExpandConv: frames are stacked in the batch ([N*T, C, H, W]); view as
// [N, C, T, H, W], 3x1x1 Conv3d over time, and back.
class TemporalConvImpl : public torch::nn::Module {
 public:
  TemporalConvImpl(std::int64_t in, std::int64_t out, std::int64_t frames) : frames_(frames) {
    conv = register_module("conv", torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, {3, 1, 1}).padding({1, 0, 0}).bias(false)));
  }
  torch::Tensor forward(torch::Tensor x) {
    const auto c = x.size(1), h = x.size(2), w = x.size(3);
    x = x.view({-1, frames_, c, h, w}).transpose(1, 2);             // [N, C, T, H, W]
    x = conv(x).transpose(1, 2).contiguous();                       // [N, T, C', H, W]
    return x.flatten(0, 1);                                         // [N*T, C', H, W]
  }
  torch::nn::Conv3d conv{nullptr};

 private:
  std::int64_t frames_;
};
TORCH_MODULE(TemporalConv);

Chain conv_bn(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride, std::int64_t groups, bool act) {
  Chain s(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding((k - 1) / 2).groups(groups).bias(false)),
          nn::BatchNorm2d(out));
  if (act) s->push_back(torch::nn::SiLU());
  return s;
}

class SqueezeExcitationImpl : public torch::nn::Module {
 public:
  SqueezeExcitationImpl(std::int64_t channels, std::int64_t squeeze) {
    fc1 = register_module("fc1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, squeeze, 1)));
    fc2 = register_module("fc2", torch::nn::Conv2d(torch::nn::Conv2dOptions(squeeze, channels, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return x * torch::sigmoid(fc2(torch::silu(fc1(x.mean({2, 3}, /*keepdim=*/true)))));
  }

 private:
  torch::nn::Conv2d fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SqueezeExcitation);

class MBConv3dImpl : public torch::nn::Module {
 public:
  MBConv3dImpl(std::int64_t in, std::int64_t out, std::int64_t expand, std::int64_t k, std::int64_t stride,
               double drop_prob, std::int64_t frames)
      : use_residual_(stride == 1 && in == out), drop_prob_(drop_prob) {
    const std::int64_t expanded = make_divisible(static_cast<double>(in * expand));
    block = torch::nn::Sequential();
    if (expanded != in)   // the temporal expansion: 3x1x1 over frames, then BN + SiLU per frame
      block->push_back(Chain(TemporalConv(in, expanded, frames), nn::BatchNorm2d(expanded), torch::nn::SiLU()));
    block->push_back(conv_bn(expanded, expanded, k, stride, expanded, true));   // depthwise
    block->push_back(SqueezeExcitation(expanded, std::max<std::int64_t>(1, in / 4)));
    block->push_back(conv_bn(expanded, out, 1, 1, 1, false));
    register_module("block", block);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = block->forward(x);
    if (!use_residual_) return y;
    if (is_training() && drop_prob_ > 0) {   // stochastic depth, one draw per frame
      const double keep = 1.0 - drop_prob_;
      y = y * torch::empty({y.size(0), 1, 1, 1}, y.options()).bernoulli_(keep) / keep;
    }
    return y + x;
  }

 private:
  bool use_residual_;
  double drop_prob_;
  torch::nn::Sequential block{nullptr};
};
TORCH_MODULE(MBConv3d);


}  // namespace

EfficientNet3dImpl::EfficientNet3dImpl(const EfficientNet3dOptions& o) : o_(o) {
  const auto ch = [&](std::int64_t c) { return make_divisible(static_cast<double>(c) * o.width); };
  const auto reps = [&](std::int64_t n) { return static_cast<std::int64_t>(std::ceil(static_cast<double>(n) * o.depth)); };
  std::int64_t total_blocks = 0;
  for (const EfficientNetStage& s : efficientnet_b0_stages()) total_blocks += reps(s.layers);

  features = torch::nn::Sequential();
  features->push_back(conv_bn(o.in_channels, ch(32), 3, 2, 1, true));   // stem, per frame
  std::int64_t block_id = 0;
  for (const EfficientNetStage& s : efficientnet_b0_stages()) {
    Chain stage;
    for (std::int64_t i = 0; i < reps(s.layers); ++i) {
      const double p = o.stochastic_depth * static_cast<double>(block_id++) / static_cast<double>(total_blocks);
      stage->push_back(MBConv3d(i == 0 ? ch(s.in) : ch(s.out), ch(s.out), s.expand, s.kernel, i == 0 ? s.stride : 1, p, o.frames));
    }
    features->push_back(stage);
  }
  const std::int64_t n_features = 4 * ch(320);
  features->push_back(conv_bn(ch(320), n_features, 1, 1, 1, true));
  register_module("features", features);
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  classifier = register_module("classifier", torch::nn::Linear(n_features, 1));
  for (auto& m : modules(/*include_self=*/false)) {   // torchvision init, Kaiming fan_out for 2D and 3D convs
    if (auto* c = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut);
      if (c->bias.defined()) torch::nn::init::zeros_(c->bias);
    } else if (auto* c3 = m->as<torch::nn::Conv3d>()) {
      torch::nn::init::kaiming_normal_(c3->weight, 0.0, torch::kFanOut);
    }
  }
}

torch::Tensor EfficientNet3dImpl::forward(torch::Tensor x) {
  check_input("efficientnet3d_b0", x, {o_.frames, o_.in_channels, -1, -1});
  const std::int64_t n = x.size(0);
  x = features->forward(x.flatten(0, 1)).mean({2, 3});   // [N*T, C, H, W] -> [N*T, F]
  return classifier(drop(x)).view({n, o_.frames}).mean(1);   // per-frame logits [N, T] -> [N]
}

PluginInfo EfficientNet3dModel::info() {
  return {kind::model, "efficientnet3d_b0",
          "EfficientNet-B0 with 3x1x1 temporal convs in every expanding block (DFDC 3rd place, NTechLab); sequence [N,T,3,S,S] -> [N]",
          {ParamSpec::integer("frames", 7, "frames per clip (the temporal convs are built for this length)").range(1, 64),
           input_size_param(224, 32), in_channels_param(3), width_param(1.0),
           ParamSpec::real("depth", 1.0, "layer-count coefficient (compound scaling)").range(0.1, 8.0),
           dropout_param(0.2),
           ParamSpec::real("stochastic_depth", 0.2, "drop probability of the last MBConv block (0 disables)").range(0.0, 0.9)}};
}

EfficientNet3dModel::EfficientNet3dModel(const Params& p) {
  EfficientNet3dOptions o;
  o.frames = p.integer("frames");
  o.width = p.real("width");
  o.depth = p.real("depth");
  o.dropout = p.real("dropout");
  o.stochastic_depth = p.real("stochastic_depth");
  o.in_channels = p.integer("in_channels");
  net_ = EfficientNet3d(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::sequence, o.in_channels, s, s, o.frames, "float, ImageNet-normalised RGB frames"};
}

}  // namespace dflab
