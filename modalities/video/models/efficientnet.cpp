#include "modalities/video/models/efficientnet.h"

#include <cmath>
#include <tuple>

namespace dflab {

std::int64_t make_divisible(double v, std::int64_t divisor) {
  std::int64_t r = std::max<std::int64_t>(divisor, static_cast<std::int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (static_cast<double>(r) < 0.9 * v) r += divisor;
  return r;
}

const std::vector<EfficientNetStage>& efficientnet_b0_stages() {
  static const std::vector<EfficientNetStage> stages = {{1, 3, 1, 32, 16, 1},  {6, 3, 2, 16, 24, 2},   {6, 5, 2, 24, 40, 2},
                                                        {6, 3, 2, 40, 80, 3},  {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4},
                                                        {6, 3, 1, 192, 320, 1}};
  return stages;
}

namespace {

// TensorFlow's "SAME" padding of a strided convolution: out = ceil(in / stride), the odd extra
// row / column at the bottom / right. Weights ported from TensorFlow (timm's tf_efficientnet_*,
// the DFDC winners' backbone) were trained with it; torch's symmetric padding shifts every
// strided layer by half a pixel. A Conv2d underneath, so its tensors keep torchvision's names.
// ref: timm/layers/padding.py (get_same_padding, pad_same), conv2d_same.py (Conv2dSame).
class Conv2dSameImpl : public torch::nn::Conv2dImpl {
 public:
  using torch::nn::Conv2dImpl::Conv2dImpl;
  torch::Tensor forward(const torch::Tensor& x) {
    const auto pad = [](std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d) {
      return std::max<std::int64_t>(((in + s - 1) / s - 1) * s + (k - 1) * d + 1 - in, 0);
    };
    const auto& o = options;
    const std::int64_t ph = pad(x.size(-2), o.kernel_size()->at(0), o.stride()->at(0), o.dilation()->at(0));
    const std::int64_t pw = pad(x.size(-1), o.kernel_size()->at(1), o.stride()->at(1), o.dilation()->at(1));
    return torch::nn::Conv2dImpl::forward(torch::constant_pad_nd(x, {pw / 2, pw - pw / 2, ph / 2, ph - ph / 2}));
  }
};
TORCH_MODULE(Conv2dSame);

// Conv-BN(-SiLU), torchvision Conv2dNormActivation: Sequential {0: conv, 1: bn, 2: act}.
Chain conv_bn(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t stride,
              std::int64_t groups, bool act, const EfficientNetOptions& o) {
  auto conv = torch::nn::Conv2dOptions(in, out, k).stride(stride).groups(groups).bias(false);
  Chain s;
  // With stride 1 and an odd kernel, SAME is the symmetric (k - 1) / 2 torch uses anyway.
  if (o.tf_same_padding && stride > 1) s->push_back(Conv2dSame(conv));
  else s->push_back(torch::nn::Conv2d(conv.padding((k - 1) / 2)));
  s->push_back(nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(out).eps(o.bn_eps).momentum(o.bn_momentum)));
  if (act) s->push_back(torch::nn::SiLU());
  return s;
}

// torchvision SqueezeExcitation: avgpool -> fc1 (1x1 conv) -> SiLU -> fc2 -> sigmoid -> scale.
class SqueezeExcitationImpl : public torch::nn::Module {
 public:
  SqueezeExcitationImpl(std::int64_t channels, std::int64_t squeeze) {
    fc1 = register_module("fc1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, squeeze, 1)));
    fc2 = register_module("fc2", torch::nn::Conv2d(torch::nn::Conv2dOptions(squeeze, channels, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor s = x.mean({2, 3}, /*keepdim=*/true);   // [N, C, 1, 1]
    return x * torch::sigmoid(fc2(torch::silu(fc1(s))));
  }

 private:
  torch::nn::Conv2d fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SqueezeExcitation);

class MBConvImpl : public torch::nn::Module {
 public:
  MBConvImpl(std::int64_t in, std::int64_t out, std::int64_t expand, std::int64_t k, std::int64_t stride, double drop_prob,
             const EfficientNetOptions& o)
      : use_residual_(stride == 1 && in == out), drop_prob_(drop_prob) {
    const std::int64_t expanded = make_divisible(static_cast<double>(in * expand));
    block = torch::nn::Sequential();
    if (expanded != in) block->push_back(conv_bn(in, expanded, 1, 1, 1, true, o));
    block->push_back(conv_bn(expanded, expanded, k, stride, expanded, true, o));   // depthwise
    block->push_back(SqueezeExcitation(expanded, std::max<std::int64_t>(1, in / 4)));
    block->push_back(conv_bn(expanded, out, 1, 1, 1, false, o));
    register_module("block", block);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = block->forward(x);
    if (!use_residual_) return y;
    if (is_training() && drop_prob_ > 0) {   // stochastic depth, "row" mode: one draw per sample
      const double keep = 1.0 - drop_prob_;
      torch::Tensor mask = torch::empty({y.size(0), 1, 1, 1}, y.options()).bernoulli_(keep);
      y = y * mask / keep;
    }
    return y + x;
  }

 private:
  bool use_residual_;
  double drop_prob_;
  torch::nn::Sequential block{nullptr};
};
TORCH_MODULE(MBConv);


}  // namespace

EfficientNetScaling efficientnet_scaling(int b) {
  // (width, depth, resolution, dropout): the paper's coefficients as torchvision lists them.
  static const EfficientNetScaling table[] = {
      {1.0, 1.0, 224, 0.2}, {1.0, 1.1, 240, 0.2}, {1.1, 1.2, 260, 0.3}, {1.2, 1.4, 300, 0.3},
      {1.4, 1.8, 380, 0.4}, {1.6, 2.2, 456, 0.4}, {1.8, 2.6, 528, 0.5}, {2.0, 3.1, 600, 0.5}};
  if (b < 0 || b > 7) throw std::invalid_argument("efficientnet: variant b" + std::to_string(b) + " is not b0..b7");
  return table[b];
}

std::pair<double, double> efficientnet_bn_options(int b) {
  (void)efficientnet_scaling(b);   // range check
  // ref: torchvision/models/efficientnet.py, efficientnet_b5/b6/b7: partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
  return b >= 5 ? std::pair{1e-3, 0.01} : std::pair{1e-5, 0.1};
}

EfficientNetImpl::EfficientNetImpl(const EfficientNetOptions& o) : o_(o) {
  const auto ch = [&](std::int64_t c) { return make_divisible(static_cast<double>(c) * o.width); };
  const auto reps = [&](std::int64_t n) { return static_cast<std::int64_t>(std::ceil(static_cast<double>(n) * o.depth)); };
  std::int64_t total_blocks = 0;
  for (const EfficientNetStage& s : efficientnet_b0_stages()) total_blocks += reps(s.layers);

  features = torch::nn::Sequential();
  features->push_back(conv_bn(o.in_channels, ch(32), 3, 2, 1, true, o));   // stem, features.0
  std::int64_t block_id = 0;
  for (const EfficientNetStage& s : efficientnet_b0_stages()) {   // features.1 ... features.7
    Chain stage;
    for (std::int64_t i = 0; i < reps(s.layers); ++i) {
      const double p = o.stochastic_depth * static_cast<double>(block_id++) / static_cast<double>(total_blocks);
      stage->push_back(MBConv(i == 0 ? ch(s.in) : ch(s.out), ch(s.out), s.expand, s.kernel, i == 0 ? s.stride : 1, p, o));
    }
    features->push_back(stage);
  }
  n_features_ = 4 * ch(320);
  features->push_back(conv_bn(ch(320), n_features_, 1, 1, 1, true, o));   // head, features.8
  register_module("features", features);
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  if (o.head) classifier = register_module("classifier", torch::nn::Linear(n_features_, 1));
  // torchvision init: Kaiming normal (fan_out) convs, zero biases.
  for (auto& m : modules(/*include_self=*/false))
    if (auto* c = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut);
      if (c->bias.defined()) torch::nn::init::zeros_(c->bias);
    }
}

torch::Tensor EfficientNetImpl::forward_features(torch::Tensor x) {
  check_input("efficientnet", x, {o_.in_channels, -1, -1});
  return features->forward(x).mean({2, 3});   // [N, C, H/32, W/32] -> [N, F]
}

torch::Tensor EfficientNetImpl::forward(torch::Tensor x) {
  if (!classifier) throw std::logic_error("efficientnet built without a head: use forward_features");
  return classifier(drop(forward_features(x))).squeeze(1);
}

PluginInfo EfficientNetModel::info(int b) {
  const EfficientNetScaling s = efficientnet_scaling(b);
  const std::string name = "efficientnet_b" + std::to_string(b);
  return {kind::model, name,
          "EfficientNet-B" + std::to_string(b) + " (Tan & Le 2019, compound scaling), 1-logit head; frames [N,3,S,S] -> [N]",
          {input_size_param(s.resolution, 32), in_channels_param(3),
           ParamSpec::real("width", s.width, "channel width coefficient (compound scaling)").range(0.125, 4.0),
           ParamSpec::real("depth", s.depth, "layer-count coefficient (compound scaling)").range(0.1, 8.0),
           dropout_param(s.dropout),
           ParamSpec::real("stochastic_depth", 0.2, "drop probability of the last MBConv block (0 disables)").range(0.0, 0.9),
           ParamSpec::string("padding", "torch",
                             "torch: symmetric, as torchvision; tf_same: TensorFlow SAME padding and BatchNorm eps 1e-3, "
                             "for weights ported from TensorFlow (timm's tf_efficientnet_b*_ns)")
               .one_of({"torch", "tf_same"})}};
}

EfficientNetModel::EfficientNetModel(int b, const Params& p) {
  (void)efficientnet_scaling(b);
  EfficientNetOptions o;
  o.width = p.real("width");
  o.depth = p.real("depth");
  o.dropout = p.real("dropout");
  o.stochastic_depth = p.real("stochastic_depth");
  o.in_channels = p.integer("in_channels");
  std::tie(o.bn_eps, o.bn_momentum) = efficientnet_bn_options(b);
  if (p.string("padding") == "tf_same") {
    o.tf_same_padding = true;
    o.bn_eps = 1e-3;   // ref: timm/models/efficientnet.py, tf_efficientnet_b*: bn_eps=BN_EPS_TF_DEFAULT (1e-3), pad_type='same'
  }
  net_ = EfficientNet(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::video, o.in_channels, s, s, 1, "float, ImageNet-normalised RGB"};
}

}  // namespace dflab
