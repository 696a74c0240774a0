#include "modalities/audio/models/mel_resnet18.h"

namespace dflab {

PluginInfo MelResNet18Model::info() {
  return {kind::model, "mel_resnet18",
          "ResNet-18 on a 1-channel mel image (FFDV audio baseline); audio [N,1,F,T] -> [N]",
          {ParamSpec::integer("n_mels", 256, "mel bands (input height)").range(32, 1024),
           ParamSpec::integer("frames", 256, "frames (input width)").range(32, 8192),
           in_channels_param(1), width_param(), dropout_param(0.0)}};
}

MelResNet18Model::MelResNet18Model(const Params& p) {
  ResNetOptions o;
  o.depth = 18;
  o.in_channels = p.integer("in_channels");
  o.width = p.real("width");
  o.dropout = p.real("dropout");
  net_ = ResNet(o);
  input_ = {Modality::audio, o.in_channels, p.integer("n_mels"), p.integer("frames"), 1,
            "float mel image, scaled to [0, 1]"};
}

}  // namespace dflab
