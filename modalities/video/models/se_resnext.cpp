#include "modalities/video/models/se_resnext.h"

namespace dflab {

namespace {

using torch::nn::Conv2dOptions;

class SEModuleImpl : public torch::nn::Module {
 public:
  SEModuleImpl(std::int64_t channels, std::int64_t reduction) {
    fc1 = register_module("fc1", torch::nn::Conv2d(Conv2dOptions(channels, channels / reduction, 1)));
    fc2 = register_module("fc2", torch::nn::Conv2d(Conv2dOptions(channels / reduction, channels, 1)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return x * torch::sigmoid(fc2(torch::relu(fc1(x.mean({2, 3}, /*keepdim=*/true)))));
  }

 private:
  torch::nn::Conv2d fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SEModule);

// Cadene SEResNeXtBottleneck (groups 32, base_width 4, reduction 16; stride on the 3x3 conv).
class BottleneckImpl : public torch::nn::Module {
 public:
  BottleneckImpl(std::int64_t in, std::int64_t planes, std::int64_t stride) {
    const std::int64_t width = (planes * 4 / 64) * 32;
    conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(in, width, 1).bias(false)));
    bn1 = register_module("bn1", nn::BatchNorm2d(width));
    conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(width, width, 3).stride(stride).padding(1).groups(32).bias(false)));
    bn2 = register_module("bn2", nn::BatchNorm2d(width));
    conv3 = register_module("conv3", torch::nn::Conv2d(Conv2dOptions(width, planes * 4, 1).bias(false)));
    bn3 = register_module("bn3", nn::BatchNorm2d(planes * 4));
    se_module = register_module("se_module", SEModule(planes * 4, 16));
    if (stride != 1 || in != planes * 4)
      downsample = register_module("downsample", torch::nn::Sequential(
          torch::nn::Conv2d(Conv2dOptions(in, planes * 4, 1).stride(stride).bias(false)), nn::BatchNorm2d(planes * 4)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor y = torch::relu(bn1(conv1(x)));
    y = torch::relu(bn2(conv2(y)));
    y = se_module(bn3(conv3(y)));
    return torch::relu(y + (downsample ? downsample->forward(x) : x));
  }

 private:
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  SEModule se_module{nullptr};
  torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(Bottleneck);

}  // namespace

SeResNeXtImpl::SeResNeXtImpl(const SeResNeXtOptions& o) : o_(o) {
  layer0 = register_module("layer0", torch::nn::Sequential());
  layer0->push_back("conv1", torch::nn::Conv2d(Conv2dOptions(o.in_channels, 64, 7).stride(2).padding(3).bias(false)));
  layer0->push_back("bn1", nn::BatchNorm2d(64));
  layer0->push_back("relu1", torch::nn::ReLU());
  layer0->push_back("pool", torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).ceil_mode(true)));
  const int blocks[] = {3, 4, 6, 3};
  std::int64_t in = 64;
  torch::nn::Sequential* layers[] = {&layer1, &layer2, &layer3, &layer4};
  for (int s = 0; s < 4; ++s) {
    const std::int64_t planes = 64 << s;
    torch::nn::Sequential seq;
    for (int b = 0; b < blocks[s]; ++b) {
      seq->push_back(Bottleneck(in, planes, (b == 0 && s > 0) ? 2 : 1));
      in = planes * 4;
    }
    *layers[s] = register_module("layer" + std::to_string(s + 1), seq);
  }
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  last_linear = register_module("last_linear", torch::nn::Linear(2048, 1));
}

torch::Tensor SeResNeXtImpl::forward(torch::Tensor x) {
  check_input("se_resnext50", x, {o_.in_channels, -1, -1});
  x = layer0->forward(x);                                                       // [N, 64, H/4, W/4]
  x = layer4->forward(layer3->forward(layer2->forward(layer1->forward(x))));   // [N, 2048, H/32, W/32]
  return last_linear(drop(x.mean({2, 3}))).squeeze(1);                         // [N]
}

PluginInfo SeResNeXtModel::info() {
  return {kind::model, "se_resnext50", "SE-ResNeXt-50 32x4d (Hu 2018), Cadene layout, 1-logit head; frames [N,3,S,S] -> [N]",
          {input_size_param(224, 32), in_channels_param(3), dropout_param(0.0)}};
}

SeResNeXtModel::SeResNeXtModel(const Params& p) {
  SeResNeXtOptions o;
  o.in_channels = p.integer("in_channels");
  o.dropout = p.real("dropout");
  net_ = SeResNeXt(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::video, o.in_channels, s, s, 1, "float, ImageNet-normalised RGB"};
}

}  // namespace dflab
