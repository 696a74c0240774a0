#include "modalities/video/models/mc3.h"

namespace dflab {

namespace {

using torch::nn::Conv3dOptions;
using E3 = torch::ExpandingArray<3>;

torch::nn::Conv3d conv3d(std::int64_t in, std::int64_t out, E3 k, E3 stride, E3 pad) {
  return torch::nn::Conv3d(Conv3dOptions(in, out, k).stride(stride).padding(pad).bias(false));
}

// torchvision Conv3DSimple (3x3x3, stride s in time and space) or Conv3DNoTemporal (1x3x3, stride
// (1, s, s)); each is an nn.Conv3d itself, so its weight is "conv1.0.weight".
torch::nn::Conv3d conv_maker(bool temporal, std::int64_t in, std::int64_t out, std::int64_t s) {
  return temporal ? conv3d(in, out, {3, 3, 3}, {s, s, s}, {1, 1, 1}) : conv3d(in, out, {1, 3, 3}, {1, s, s}, {0, 1, 1});
}

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(bool temporal, std::int64_t in, std::int64_t planes, std::int64_t stride) {
    conv1 = register_module("conv1", torch::nn::Sequential(conv_maker(temporal, in, planes, stride),
                                                           nn::BatchNorm3d(planes), torch::nn::ReLU()));
    conv2 = register_module("conv2", torch::nn::Sequential(conv_maker(temporal, planes, planes, 1), nn::BatchNorm3d(planes)));
    if (stride != 1 || in != planes) {   // get_downsample_stride: (s, s, s) or (1, s, s)
      const std::int64_t st = temporal ? stride : 1;
      downsample = register_module("downsample", torch::nn::Sequential(conv3d(in, planes, {1, 1, 1}, {st, stride, stride}, {0, 0, 0}),
                                                                       nn::BatchNorm3d(planes)));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::relu(conv2->forward(conv1->forward(x)) + (downsample ? downsample->forward(x) : x));
  }

 private:
  torch::nn::Sequential conv1{nullptr}, conv2{nullptr}, downsample{nullptr};
};
TORCH_MODULE(BasicBlock);

}  // namespace

Mc3Impl::Mc3Impl(const Mc3Options& o) : o_(o) {
  // BasicStem: 3x7x7, stride (1, 2, 2).
  stem = register_module("stem", torch::nn::Sequential(conv3d(o.in_channels, 64, {3, 7, 7}, {1, 2, 2}, {1, 3, 3}),
                                                       nn::BatchNorm3d(64), torch::nn::ReLU()));
  std::int64_t in = 64;
  torch::nn::Sequential* layers[] = {&layer1, &layer2, &layer3, &layer4};
  for (int s = 0; s < 4; ++s) {
    const std::int64_t planes = 64 << s;
    const bool temporal = s == 0;   // conv_makers = [Conv3DSimple] + [Conv3DNoTemporal] * 3
    *layers[s] = register_module("layer" + std::to_string(s + 1),
                                 torch::nn::Sequential(BasicBlock(temporal, in, planes, s == 0 ? 1 : 2),
                                                       BasicBlock(temporal, planes, planes, 1)));
    in = planes;
  }
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  fc = register_module("fc", torch::nn::Linear(512, 1));
  // torchvision VideoResNet init: Kaiming normal (fan_out, relu) convs, BN (1, 0), fc N(0, 0.01).
  for (auto& m : modules(/*include_self=*/false))
    if (auto* c = m->as<torch::nn::Conv3d>()) torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
  torch::nn::init::normal_(fc->weight, 0.0, 0.01);
  torch::nn::init::zeros_(fc->bias);
}

torch::Tensor Mc3Impl::forward(torch::Tensor x) {
  check_input("mc3_18", x, {-1, o_.in_channels, -1, -1});
  x = stem->forward(x.permute({0, 2, 1, 3, 4}));   // [N, 64, T, H/2, W/2]
  x = layer4->forward(layer3->forward(layer2->forward(layer1->forward(x))));   // [N, 512, T, H/16, W/16]
  return fc(drop(x.mean({2, 3, 4}))).squeeze(1);   // [N]
}

PluginInfo Mc3Model::info() {
  return {kind::model, "mc3_18", "MC3-18 mixed-convolution video ResNet (Tran 2018, torchvision layout); sequence [N,T,3,S,S] -> [N]",
          {ParamSpec::integer("frames", 16, "frames per clip").range(1, 256),
           input_size_param(112, 16), in_channels_param(3), dropout_param(0.0)}};
}

Mc3Model::Mc3Model(const Params& p) {
  Mc3Options o;
  o.in_channels = p.integer("in_channels");
  o.dropout = p.real("dropout");
  net_ = Mc3(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::sequence, o.in_channels, s, s, p.integer("frames"), "float, Kinetics-normalised RGB frames"};
}

}  // namespace dflab
