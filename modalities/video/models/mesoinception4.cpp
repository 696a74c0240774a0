#include "modalities/video/models/mesoinception4.h"

namespace dflab {

namespace {

namespace F = torch::nn::functional;
using torch::nn::Conv2dOptions;

// One branch: 1x1 conv + ReLU, then (for dilation > 0) a 3x3 conv with that dilation + ReLU.
torch::nn::Sequential branch(std::int64_t in, std::int64_t out, std::int64_t dilation) {
  torch::nn::Sequential s(torch::nn::Conv2d(Conv2dOptions(in, out, 1)), torch::nn::ReLU());
  if (dilation > 0) {
    s->push_back(torch::nn::Conv2d(Conv2dOptions(out, out, 3).padding(dilation).dilation(dilation)));
    s->push_back(torch::nn::ReLU());
  }
  return s;
}

// InceptionLayer(a, b, c, d) -> a + b + c + d channels.
torch::nn::ModuleList inception(std::int64_t in, std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  return torch::nn::ModuleList(branch(in, a, 0), branch(in, b, 1), branch(in, c, 2), branch(in, d, 3));
}

torch::Tensor run_inception(torch::nn::ModuleList& layer, const torch::Tensor& x) {
  std::vector<torch::Tensor> outs;
  for (const auto& m : *layer) outs.push_back(m->as<torch::nn::Sequential>()->forward(x));
  return torch::cat(outs, /*dim=*/1);
}

}  // namespace

MesoInception4Impl::MesoInception4Impl(const MesoInception4Options& o) : o_(o) {
  if (o.input_size % 32 != 0)
    throw std::invalid_argument("mesoinception4: input_size " + std::to_string(o.input_size) + " is not a multiple of 32");
  inc1 = register_module("inc1", inception(o.in_channels, 1, 4, 4, 2));   // -> 11 channels
  bn1 = register_module("bn1", nn::BatchNorm2d(11));
  inc2 = register_module("inc2", inception(11, 2, 4, 4, 2));              // -> 12 channels
  bn2 = register_module("bn2", nn::BatchNorm2d(12));
  conv3 = register_module("conv3", torch::nn::Conv2d(Conv2dOptions(12, 16, 5).padding(2)));
  bn3 = register_module("bn3", nn::BatchNorm2d(16));
  conv4 = register_module("conv4", torch::nn::Conv2d(Conv2dOptions(16, 16, 5).padding(2)));
  bn4 = register_module("bn4", nn::BatchNorm2d(16));
  const std::int64_t side = o.input_size / 32;
  fc1 = register_module("fc1", torch::nn::Linear(16 * side * side, 16));
  fc2 = register_module("fc2", torch::nn::Linear(16, 1));
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
}

torch::Tensor MesoInception4Impl::forward(torch::Tensor x) {
  check_input("mesoinception4", x, {o_.in_channels, o_.input_size, o_.input_size});
  x = F::max_pool2d(bn1(run_inception(inc1, x)), F::MaxPool2dFuncOptions(2));   // [N, 11, S/2, S/2]
  x = F::max_pool2d(bn2(run_inception(inc2, x)), F::MaxPool2dFuncOptions(2));   // [N, 12, S/4, S/4]
  x = F::max_pool2d(bn3(torch::relu(conv3(x))), F::MaxPool2dFuncOptions(2));    // [N, 16, S/8, S/8]
  x = F::max_pool2d(bn4(torch::relu(conv4(x))), F::MaxPool2dFuncOptions(4));    // [N, 16, S/32, S/32]
  x = drop(x.flatten(1));
  x = drop(F::leaky_relu(fc1(x), F::LeakyReLUFuncOptions().negative_slope(0.1)));
  return fc2(x).squeeze(1);   // [N]
}

PluginInfo MesoInception4Model::info() {
  return {kind::model, "mesoinception4", "MesoInception-4 (Afchar 2018), dilated inception face CNN; frames [N,3,S,S] -> [N]",
          {input_size_param(256, 32), in_channels_param(3), dropout_param(0.5)}};
}

MesoInception4Model::MesoInception4Model(const Params& p) {
  MesoInception4Options o;
  o.input_size = p.integer("input_size");
  o.in_channels = p.integer("in_channels");
  o.dropout = p.real("dropout");
  net_ = MesoInception4(o);
  input_ = {Modality::video, o.in_channels, o.input_size, o.input_size, 1, "float, normalised per channel"};
}

}  // namespace dflab
