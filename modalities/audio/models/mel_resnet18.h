#pragma once
// mel_resnet18: ResNet-18 on a 1-channel mel image, the FFDV 2024 audio baseline
// (audio_feature "ffdv_mel_image": 256 mel rows x 256 frames, 0..255; scale it to [0, 1] or
// standardise before the model). Same network as resnet18 (video/models/resnet.h) with in_channels 1.
// ref: FFDV (Multi-FF) baseline, torchvision resnet18 with conv1 = Conv2d(1, 64, 7, 2, 3).

#include "modalities/video/models/resnet.h"

namespace dflab {

class MelResNet18Model final : public NetModel<ResNet> {
 public:
  static PluginInfo info();
  explicit MelResNet18Model(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
