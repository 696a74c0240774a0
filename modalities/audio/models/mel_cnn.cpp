#include "modalities/audio/models/mel_cnn.h"

#include <cmath>

namespace dflab {

MelCnnImpl::MelCnnImpl(const MelCnnOptions& o) : o_(o) {
  features = torch::nn::Sequential();
  std::int64_t in = o.in_channels;
  for (std::int64_t c : {16, 32, 64, 128}) {
    const auto out = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::lround(static_cast<double>(c) * o.width)));
    features->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
    features->push_back(nn::BatchNorm2d(out));
    features->push_back(torch::nn::ReLU());
    features->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
    in = out;
  }
  register_module("features", features);
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  std::int64_t rows = o.n_mels;
  for (int b = 0; b < 4; ++b) rows /= 2;   // four 2x2 max-pools, floor as MaxPool2d
  if (o.pool_time && rows < 1)
    throw std::invalid_argument("mel_cnn: n_mels " + std::to_string(o.n_mels) + " < 16 leaves no frequency row after 4 pools");
  fc = register_module("fc", torch::nn::Linear(o.pool_time ? in * rows : in, 1));
}

torch::Tensor MelCnnImpl::forward(torch::Tensor x) {
  check_input("mel_cnn", x, {o_.in_channels, o_.pool_time ? o_.n_mels : -1, -1});
  x = features->forward(x);                 // [N, C, F/16, T/16]
  x = o_.pool_time ? x.mean(3).flatten(1)   // [N, C * F/16]: which band, not only how much
                   : x.mean({2, 3});        // [N, C]
  return fc(drop(x)).squeeze(1);           // [N]
}

PluginInfo MelCnnModel::info() {
  return {kind::model, "mel_cnn", "small 4-block CNN on a mel spectrogram, CPU-friendly; audio [N,1,F,T] -> [N]",
          {ParamSpec::integer("n_mels", 64, "mel bands (input height)").range(16, 1024),
           ParamSpec::integer("frames", 128, "frames (input width)").range(16, 8192),
           ParamSpec::string("pool", "time", "time: keep the frequency axis for the head; global: average it too")
               .one_of({"time", "global"}),
           in_channels_param(1), width_param(), dropout_param(0.2)}};
}

MelCnnModel::MelCnnModel(const Params& p) {
  MelCnnOptions o;
  o.in_channels = p.integer("in_channels");
  o.width = p.real("width");
  o.dropout = p.real("dropout");
  o.n_mels = p.integer("n_mels");
  o.pool_time = p.string("pool") == "time";
  net_ = MelCnn(o);
  input_ = {Modality::audio, o.in_channels, p.integer("n_mels"), p.integer("frames"), 1, "float log-mel, standardised"};
}

}  // namespace dflab
