#include "modalities/video/models/meso4.h"

#include <cmath>

namespace dflab {

namespace {
std::int64_t scaled(std::int64_t c, double width) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::lround(static_cast<double>(c) * width)));
}
namespace F = torch::nn::functional;
}  // namespace

Meso4Impl::Meso4Impl(const Meso4Options& o) : o_(o) {
  if (o.input_size % 32 != 0)
    throw std::invalid_argument("meso4: input_size " + std::to_string(o.input_size) + " is not a multiple of 32");
  const std::int64_t c8 = scaled(8, o.width), c16 = scaled(16, o.width);
  using torch::nn::Conv2dOptions;
  // Keras padding='same' for odd kernels = padding k/2.
  conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(o.in_channels, c8, 3).padding(1)));
  bn1 = register_module("bn1", nn::BatchNorm2d(c8));
  conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(c8, c8, 5).padding(2)));
  bn2 = register_module("bn2", nn::BatchNorm2d(c8));
  conv3 = register_module("conv3", torch::nn::Conv2d(Conv2dOptions(c8, c16, 5).padding(2)));
  bn3 = register_module("bn3", nn::BatchNorm2d(c16));
  conv4 = register_module("conv4", torch::nn::Conv2d(Conv2dOptions(c16, c16, 5).padding(2)));
  bn4 = register_module("bn4", nn::BatchNorm2d(c16));
  const std::int64_t side = o.input_size / 32;
  fc1 = register_module("fc1", torch::nn::Linear(c16 * side * side, 16));
  fc2 = register_module("fc2", torch::nn::Linear(16, 1));
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
}

torch::Tensor Meso4Impl::forward(torch::Tensor x) {
  check_input("meso4", x, {o_.in_channels, o_.input_size, o_.input_size});
  x = F::max_pool2d(bn1(torch::relu(conv1(x))), F::MaxPool2dFuncOptions(2));   // [N, 8, S/2, S/2]
  x = F::max_pool2d(bn2(torch::relu(conv2(x))), F::MaxPool2dFuncOptions(2));   // [N, 8, S/4, S/4]
  x = F::max_pool2d(bn3(torch::relu(conv3(x))), F::MaxPool2dFuncOptions(2));   // [N, 16, S/8, S/8]
  x = F::max_pool2d(bn4(torch::relu(conv4(x))), F::MaxPool2dFuncOptions(4));   // [N, 16, S/32, S/32]
  x = drop(x.flatten(1));
  x = drop(F::leaky_relu(fc1(x), F::LeakyReLUFuncOptions().negative_slope(0.1)));
  return fc2(x).squeeze(1);   // [N]
}

PluginInfo Meso4Model::info() {
  return {kind::model, "meso4", "Meso-4 (Afchar 2018), a 28k-parameter face CNN; frames [N,3,S,S] -> [N]",
          {input_size_param(256, 32), in_channels_param(3), width_param(), dropout_param(0.5)}};
}

Meso4Model::Meso4Model(const Params& p) {
  Meso4Options o;
  o.input_size = p.integer("input_size");
  o.in_channels = p.integer("in_channels");
  o.width = p.real("width");
  o.dropout = p.real("dropout");
  net_ = Meso4(o);
  input_ = {Modality::video, o.in_channels, o.input_size, o.input_size, 1, "float, normalised per channel"};
}

}  // namespace dflab
