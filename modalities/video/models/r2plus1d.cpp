#include "modalities/video/models/r2plus1d.h"

namespace dflab {

namespace {

using torch::nn::Conv3dOptions;
using E3 = torch::ExpandingArray<3>;

torch::nn::Conv3d conv3d(std::int64_t in, std::int64_t out, E3 k, E3 stride, E3 pad) {
  return torch::nn::Conv3d(Conv3dOptions(in, out, k).stride(stride).padding(pad).bias(false));
}

// torchvision Conv2Plus1D: 1x3x3 spatial -> BN -> ReLU -> 3x1x1 temporal.
Chain conv2plus1d(std::int64_t in, std::int64_t out, std::int64_t mid, std::int64_t s) {
  return Chain(conv3d(in, mid, {1, 3, 3}, {1, s, s}, {0, 1, 1}), nn::BatchNorm3d(mid),
                               torch::nn::ReLU(), conv3d(mid, out, {3, 1, 1}, {s, 1, 1}, {1, 0, 0}));
}

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(std::int64_t in, std::int64_t planes, std::int64_t stride) {
    // Keeps the parameter count of a full 3x3x3 conv (paper, section 3.5).
    const std::int64_t mid = (in * planes * 3 * 3 * 3) / (in * 3 * 3 + 3 * planes);
    conv1 = register_module("conv1", torch::nn::Sequential(conv2plus1d(in, planes, mid, stride),
                                                           nn::BatchNorm3d(planes), torch::nn::ReLU()));
    conv2 = register_module("conv2", torch::nn::Sequential(conv2plus1d(planes, planes, mid, 1), nn::BatchNorm3d(planes)));
    if (stride != 1 || in != planes)
      downsample = register_module("downsample", torch::nn::Sequential(conv3d(in, planes, {1, 1, 1}, {stride, stride, stride}, {0, 0, 0}),
                                                                       nn::BatchNorm3d(planes)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::relu(conv2->forward(conv1->forward(x)) + (downsample ? downsample->forward(x) : x));
  }

 private:
  torch::nn::Sequential conv1{nullptr}, conv2{nullptr}, downsample{nullptr};
};
TORCH_MODULE(BasicBlock);

}  // namespace

R2Plus1dImpl::R2Plus1dImpl(const R2Plus1dOptions& o) : o_(o) {
  stem = register_module("stem", torch::nn::Sequential(
      conv3d(o.in_channels, 45, {1, 7, 7}, {1, 2, 2}, {0, 3, 3}), nn::BatchNorm3d(45), torch::nn::ReLU(),
      conv3d(45, 64, {3, 1, 1}, {1, 1, 1}, {1, 0, 0}), nn::BatchNorm3d(64), torch::nn::ReLU()));
  std::int64_t in = 64;
  torch::nn::Sequential* layers[] = {&layer1, &layer2, &layer3, &layer4};
  for (int s = 0; s < 4; ++s) {
    const std::int64_t planes = 64 << s;
    *layers[s] = register_module("layer" + std::to_string(s + 1),
                                 torch::nn::Sequential(BasicBlock(in, planes, s == 0 ? 1 : 2), BasicBlock(planes, planes, 1)));
    in = planes;
  }
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  fc = register_module("fc", torch::nn::Linear(512, 1));
  for (auto& m : modules(/*include_self=*/false))   // torchvision init
    if (auto* c = m->as<torch::nn::Conv3d>()) torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
}

torch::Tensor R2Plus1dImpl::forward(torch::Tensor x) {
  check_input("r2plus1d_18", x, {-1, o_.in_channels, -1, -1});
  x = stem->forward(x.permute({0, 2, 1, 3, 4}));   // [N, 64, T, H/2, W/2]
  x = layer4->forward(layer3->forward(layer2->forward(layer1->forward(x))));   // [N, 512, T/8, H/16, W/16]
  return fc(drop(x.mean({2, 3, 4}))).squeeze(1);   // [N]
}

PluginInfo R2Plus1dModel::info() {
  return {kind::model, "r2plus1d_18", "R(2+1)D-18 video ResNet (Tran 2018, torchvision layout); sequence [N,T,3,S,S] -> [N]",
          {ParamSpec::integer("frames", 16, "frames per clip").range(1, 256),
           input_size_param(112, 32), in_channels_param(3), dropout_param(0.0)}};
}

R2Plus1dModel::R2Plus1dModel(const Params& p) {
  R2Plus1dOptions o;
  o.in_channels = p.integer("in_channels");
  o.dropout = p.real("dropout");
  net_ = R2Plus1d(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::sequence, o.in_channels, s, s, p.integer("frames"), "float, Kinetics-normalised RGB frames"};
}

}  // namespace dflab
