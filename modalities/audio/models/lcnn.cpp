#include "modalities/audio/models/lcnn.h"

namespace dflab {

namespace {

// Max-Feature-Map: [N, 2C, H, W] -> [N, C, H, W], max of the two channel halves.
torch::nn::Functional mfm() {
  return torch::nn::Functional([](torch::Tensor x) {
    auto halves = x.chunk(2, /*dim=*/1);
    return torch::max(halves[0], halves[1]);
  });
}
torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t k) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).padding(k / 2));
}
nn::BatchNorm2d bn(std::int64_t c) { return nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).affine(false)); }
torch::nn::MaxPool2d pool() { return torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)); }

}  // namespace

LcnnImpl::LcnnImpl(const LcnnOptions& o) : o_(o) {
  if (o.n_coeffs < 16) throw std::invalid_argument("lcnn: n_coeffs must be >= 16 (the CNN pools it by 16)");
  // The reference's m_transform, layer for layer.
  transform = register_module("transform", torch::nn::Sequential(
      conv(1, 64, 5), mfm(), pool(),
      conv(32, 64, 1), mfm(), bn(32), conv(32, 96, 3), mfm(),
      pool(), bn(48),
      conv(48, 96, 1), mfm(), bn(48), conv(48, 128, 3), mfm(),
      pool(),
      conv(64, 128, 1), mfm(), bn(64), conv(64, 64, 3), mfm(), bn(32),
      conv(32, 64, 1), mfm(), bn(32), conv(32, 64, 3), mfm(), pool(),
      torch::nn::Dropout(o.dropout)));
  const std::int64_t d = (o.n_coeffs / 16) * 32;
  // BLSTMLayer(d, d): a bidirectional LSTM of d/2 units each way.
  blstm1 = register_module("blstm1", torch::nn::LSTM(torch::nn::LSTMOptions(d, d / 2).bidirectional(true).batch_first(true)));
  blstm2 = register_module("blstm2", torch::nn::LSTM(torch::nn::LSTMOptions(d, d / 2).bidirectional(true).batch_first(true)));
  fc = register_module("fc", torch::nn::Linear(d, 1));
}

torch::Tensor LcnnImpl::forward(torch::Tensor x) {
  check_input("lcnn", x, {1, o_.n_coeffs, -1});
  if (x.size(3) < 16) throw std::invalid_argument("lcnn: needs at least 16 frames, got " + std::to_string(x.size(3)));
  x = transform->forward(x.transpose(2, 3));                    // [N, 32, T/16, F/16]
  x = x.permute({0, 2, 1, 3}).flatten(2);                       // [N, T/16, 32*(F/16)]
  torch::Tensor h = std::get<0>(blstm2(std::get<0>(blstm1(x))));  // [N, T/16, d]
  return fc((h + x).mean(/*dim=*/1)).squeeze(1);                // [N]
}

PluginInfo LcnnModel::info() {
  return {kind::model, "lcnn", "LFCC-LCNN (ASVspoof 2021 baseline): Max-Feature-Map CNN + BLSTM; audio [N,1,F,T] -> [N]",
          {ParamSpec::integer("n_coeffs", 60, "LFCC coefficients incl. deltas (input height)").range(16, 512),
           ParamSpec::integer("frames", 400, "frames (input width); any T >= 16 works at run time").range(16, 100000),
           dropout_param(0.7)}};
}

LcnnModel::LcnnModel(const Params& p) {
  LcnnOptions o;
  o.n_coeffs = p.integer("n_coeffs");
  o.dropout = p.real("dropout");
  net_ = Lcnn(o);
  input_ = {Modality::audio, 1, o.n_coeffs, p.integer("frames"), 1, "float LFCC with deltas"};
}

}  // namespace dflab
