#include "modalities/video/models/frame_tcn.h"

namespace dflab {

FrameTcnImpl::FrameTcnImpl(const FrameTcnOptions& o) : o_(o) {
  if (o.kernel % 2 == 0) throw std::invalid_argument("frame_tcn: kernel must be odd, got " + std::to_string(o.kernel));
  std::int64_t features = 0;
  if (o.backbone == "efficientnet_b0") {
    EfficientNetOptions e;
    e.width = o.width;
    e.in_channels = o.in_channels;
    e.head = false;
    efficientnet = register_module("backbone", EfficientNet(e));
    features = efficientnet->n_features();
  } else {
    ResNetOptions r;
    r.depth = o.backbone == "resnet50" ? 50 : o.backbone == "resnet34" ? 34 : o.backbone == "resnet18" ? 18 : 0;
    if (r.depth == 0) throw std::invalid_argument("frame_tcn: unknown backbone '" + o.backbone + "'");
    r.in_channels = o.in_channels;
    r.width = o.width;
    r.head = false;
    resnet = register_module("backbone", ResNet(r));
    features = resnet->n_features();
  }
  using torch::nn::Conv1dOptions;
  tconv1 = register_module("tconv1", torch::nn::Conv1d(Conv1dOptions(features, o.hidden, o.kernel).padding(o.kernel / 2).bias(false)));
  tbn1 = register_module("tbn1", nn::BatchNorm1d(o.hidden));
  tconv2 = register_module("tconv2", torch::nn::Conv1d(Conv1dOptions(o.hidden, o.hidden, o.kernel).padding(o.kernel / 2).bias(false)));
  tbn2 = register_module("tbn2", nn::BatchNorm1d(o.hidden));
  drop = register_module("drop", torch::nn::Dropout(o.dropout));
  fc = register_module("fc", torch::nn::Linear(o.hidden, 1));
}

torch::Tensor FrameTcnImpl::forward(torch::Tensor x) {
  check_input("frame_tcn", x, {o_.frames, o_.in_channels, -1, -1});
  const std::int64_t n = x.size(0), t = x.size(1);
  torch::Tensor frames = x.flatten(0, 1);                                   // [N*T, C, H, W]
  torch::Tensor emb = resnet ? resnet->forward_features(frames) : efficientnet->forward_features(frames);   // [N*T, F]
  emb = emb.view({n, t, -1}).transpose(1, 2);                               // [N, F, T]
  torch::Tensor h = torch::relu(tbn1(tconv1(emb)));                         // [N, hidden, T]
  h = torch::relu(tbn2(tconv2(h)));                                         // [N, hidden, T]
  h = std::get<0>(h.max(/*dim=*/2));                                        // [N, hidden]
  return fc(drop(h)).squeeze(1);                                            // [N]
}

PluginInfo FrameTcnModel::info() {
  return {kind::model, "frame_tcn",
          "frame CNN + temporal convolution head over k frames; sequence [N,T,3,S,S] -> [N]",
          {ParamSpec::string("backbone", "resnet18", "per-frame CNN").one_of({"resnet18", "resnet34", "resnet50", "efficientnet_b0"}),
           ParamSpec::integer("frames", 8, "frames per clip (k)").range(1, 256),
           input_size_param(224, 32), in_channels_param(3), width_param(),
           ParamSpec::integer("hidden", 256, "channels of the temporal convolutions").range(8, 4096),
           ParamSpec::integer("kernel", 3, "temporal kernel (odd)").range(1, 31).with_unit("frames"),
           dropout_param(0.3)}};
}

FrameTcnModel::FrameTcnModel(const Params& p) {
  FrameTcnOptions o;
  o.backbone = p.string("backbone");
  o.frames = p.integer("frames");
  o.in_channels = p.integer("in_channels");
  o.width = p.real("width");
  o.hidden = p.integer("hidden");
  o.kernel = p.integer("kernel");
  o.dropout = p.real("dropout");
  net_ = FrameTcn(o);
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::sequence, o.in_channels, s, s, o.frames, "float, ImageNet-normalised RGB frames"};
}

}  // namespace dflab
