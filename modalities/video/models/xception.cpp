#include "modalities/video/models/xception.h"

namespace dflab {

namespace {

using torch::nn::Conv2dOptions;

// Depthwise k x k conv then pointwise 1x1, no biases (the next layer is batch-norm).
class SeparableConv2dImpl : public torch::nn::Module {
 public:
  SeparableConv2dImpl(std::int64_t in, std::int64_t out) {
    conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(in, in, 3).padding(1).groups(in).bias(false)));
    pointwise = register_module("pointwise", torch::nn::Conv2d(Conv2dOptions(in, out, 1).bias(false)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return pointwise(conv1(x)); }

 private:
  torch::nn::Conv2d conv1{nullptr}, pointwise{nullptr};
};
TORCH_MODULE(SeparableConv2d);

// Cadene's Block(in, out, reps, strides, start_with_relu, grow_first).
class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(std::int64_t in, std::int64_t out, int reps, std::int64_t stride, bool start_with_relu, bool grow_first) {
    if (out != in || stride != 1) {
      skip = register_module("skip", torch::nn::Conv2d(Conv2dOptions(in, out, 1).stride(stride).bias(false)));
      skipbn = register_module("skipbn", nn::BatchNorm2d(out));
    }
    rep = torch::nn::Sequential();
    std::int64_t filters = in;
    bool first = true;
    const auto unit = [&](std::int64_t a, std::int64_t b) {
      if (start_with_relu || !first) rep->push_back(torch::nn::ReLU());   // (reference: rep = rep[1:])
      first = false;
      rep->push_back(SeparableConv2d(a, b));
      rep->push_back(nn::BatchNorm2d(b));
    };
    if (grow_first) {
      unit(in, out);
      filters = out;
    }
    for (int i = 0; i < reps - 1; ++i) unit(filters, filters);
    if (!grow_first) unit(in, out);
    if (stride != 1) rep->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(stride).padding(1)));
    register_module("rep", rep);
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return rep->forward(x) + (skip ? skipbn(skip(x)) : x);
  }

 private:
  torch::nn::Sequential rep{nullptr};
  torch::nn::Conv2d skip{nullptr};
  nn::BatchNorm2d skipbn{nullptr};
};
TORCH_MODULE(Block);

}  // namespace

XceptionImpl::XceptionImpl(const XceptionOptions& o) : o_(o) {
  conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(o.in_channels, 32, 3).stride(2).bias(false)));
  bn1 = register_module("bn1", nn::BatchNorm2d(32));
  conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(32, 64, 3).bias(false)));
  bn2 = register_module("bn2", nn::BatchNorm2d(64));
  blocks = torch::nn::Sequential();
  const auto add = [&](int i, Block b) { blocks->push_back(register_module("block" + std::to_string(i), b)); };
  add(1, Block(64, 128, 2, 2, false, true));
  add(2, Block(128, 256, 2, 2, true, true));
  add(3, Block(256, 728, 2, 2, true, true));
  for (int i = 4; i <= 11; ++i) add(i, Block(728, 728, 3, 1, true, true));   // middle flow
  add(12, Block(728, 1024, 2, 2, true, false));
  conv3 = register_module("conv3", SeparableConv2d(1024, 1536).ptr());
  bn3 = register_module("bn3", nn::BatchNorm2d(1536));
  conv4 = register_module("conv4", SeparableConv2d(1536, 2048).ptr());
  bn4 = register_module("bn4", nn::BatchNorm2d(2048));
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  fc = register_module("fc", torch::nn::Linear(2048, 1));
}

torch::Tensor XceptionImpl::forward(torch::Tensor x) {
  check_input("xception", x, {o_.in_channels, -1, -1});
  x = torch::relu(bn1(conv1(x)));   // [N, 32, (H-1)/2, ...]
  x = torch::relu(bn2(conv2(x)));   // [N, 64, ...]
  x = blocks->forward(x);           // [N, 1024, ~H/32, ~W/32]
  x = torch::relu(bn3(std::static_pointer_cast<SeparableConv2dImpl>(conv3)->forward(x)));
  x = torch::relu(bn4(std::static_pointer_cast<SeparableConv2dImpl>(conv4)->forward(x)));   // [N, 2048, h, w]
  return fc(drop(x.mean({2, 3}))).squeeze(1);   // [N]
}

PluginInfo XceptionModel::info() {
  return {kind::model, "xception", "Xception (Chollet 2017), the FaceForensics++ baseline, 1-logit head; frames [N,3,S,S] -> [N]",
          {input_size_param(299, 32), in_channels_param(3), dropout_param(0.0)}};
}

XceptionModel::XceptionModel(const Params& p) {
  XceptionOptions o;
  o.in_channels = p.integer("in_channels");
  o.dropout = p.real("dropout");
  net_ = Xception(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::video, o.in_channels, s, s, 1, "float, normalised to [-1, 1] (Inception style)"};
}

}  // namespace dflab
