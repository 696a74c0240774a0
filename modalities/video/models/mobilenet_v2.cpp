#include "modalities/video/models/mobilenet_v2.h"

#include <cmath>

namespace dflab {

namespace {

// torchvision's _make_divisible: round to a multiple of 8, never more than 10% down.
std::int64_t make_divisible(double v, std::int64_t divisor = 8) {
  std::int64_t out = std::max<std::int64_t>(divisor, static_cast<std::int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (static_cast<double>(out) < 0.9 * v) out += divisor;
  return out;
}

// Conv2dNormActivation: conv (no bias) -> BatchNorm -> ReLU6, children "0", "1", "2".
Chain conv_bn_relu6(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t groups = 1) {
  return Chain(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                     .stride(stride)
                                     .padding((kernel - 1) / 2)
                                     .groups(groups)
                                     .bias(false)),
               nn::BatchNorm2d(out), torch::nn::ReLU6());
}

class InvertedResidualImpl : public torch::nn::Module {
 public:
  InvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t stride, std::int64_t expand)
      : residual_(stride == 1 && in == out) {
    const auto hidden = static_cast<std::int64_t>(std::lround(static_cast<double>(in * expand)));
    Chain layers;
    if (expand != 1) layers->push_back(conv_bn_relu6(in, hidden, 1, 1));
    layers->push_back(conv_bn_relu6(hidden, hidden, 3, stride, hidden));   // depthwise
    layers->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, out, 1).bias(false)));   // linear bottleneck
    layers->push_back(nn::BatchNorm2d(out));
    conv = register_module("conv", layers);
  }
  torch::Tensor forward(torch::Tensor x) { return residual_ ? x + conv->forward(x) : conv->forward(x); }

 private:
  bool residual_;
  Chain conv{nullptr};
};
TORCH_MODULE(InvertedResidual);

}  // namespace

MobileNetV2Impl::MobileNetV2Impl(const MobileNetV2Options& o) : o_(o) {
  // t (expansion), c (channels), n (repeats), s (first stride): the paper's Table 2.
  static const std::int64_t kSettings[][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
                                              {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::int64_t in = make_divisible(32 * o.width);
  n_features_ = make_divisible(1280 * std::max(1.0, o.width));
  Chain f;
  f->push_back(conv_bn_relu6(o.in_channels, in, 3, 2));
  for (const auto& s : kSettings) {
    const std::int64_t out = make_divisible(static_cast<double>(s[1]) * o.width);
    for (std::int64_t i = 0; i < s[2]; ++i) {
      f->push_back(InvertedResidual(in, out, i == 0 ? s[3] : 1, s[0]));
      in = out;
    }
  }
  f->push_back(conv_bn_relu6(in, n_features_, 1, 1));
  features = register_module("features", f);
  if (o.head) classifier = register_module("classifier", Chain(torch::nn::Dropout(o.dropout), torch::nn::Linear(n_features_, 1)));
  // torchvision init: Kaiming normal (fan_out) convs, BatchNorm 1/0, linear N(0, 0.01), zero biases.
  for (auto& m : modules(/*include_self=*/false)) {
    if (auto* c = m->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut);
    } else if (auto* l = m->as<torch::nn::Linear>()) {
      torch::nn::init::normal_(l->weight, 0.0, 0.01);
      torch::nn::init::zeros_(l->bias);
    }
  }
}

torch::Tensor MobileNetV2Impl::forward_features(torch::Tensor x) {
  check_input("mobilenet_v2", x, {o_.in_channels, -1, -1});
  return features->forward(x).mean({2, 3});
}

torch::Tensor MobileNetV2Impl::forward(torch::Tensor x) {
  if (!classifier) throw std::logic_error("mobilenet_v2 built without a head: use forward_features");
  return classifier->forward(forward_features(x)).squeeze(1);
}

PluginInfo MobileNetV2Model::info() {
  return {kind::model, "mobilenet_v2",
          "MobileNetV2 (Sandler 2018, torchvision layout), 1-logit head; frames [N,3,S,S] -> [N]; "
          "pretrained = the int8 ImageNet ONNX of ../shared or a torchvision state dict",
          {input_size_param(224, 32), in_channels_param(3), width_param(), dropout_param(0.2)}};
}

MobileNetV2Model::MobileNetV2Model(const Params& p) {
  MobileNetV2Options o;
  o.in_channels = p.integer("in_channels");
  o.width = p.real("width");
  o.dropout = p.real("dropout");
  net_ = MobileNetV2(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::video, o.in_channels, s, s, 1, "float, ImageNet-normalised RGB"};
}

}  // namespace dflab
