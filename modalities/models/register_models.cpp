#include "modalities/models/register_models.h"

#include "modalities/audio/models/aasist.h"
#include "modalities/audio/models/lcnn.h"
#include "modalities/audio/models/mel_cnn.h"
#include "modalities/audio/models/mel_resnet18.h"
#include "modalities/audio/models/rawnet2.h"
#include "modalities/av/models/av_joint.h"
#include "modalities/av/models/av_sync.h"
#include "modalities/models/onnx_backbone.h"
#include "modalities/models/torchscript_model.h"
#include "modalities/video/models/efficientnet.h"
#include "modalities/video/models/efficientnet3d.h"
#include "modalities/video/models/frame_tcn.h"
#include "modalities/video/models/mc3.h"
#include "modalities/video/models/meso4.h"
#include "modalities/video/models/mesoinception4.h"
#include "modalities/video/models/mobilenet_v2.h"
#include "modalities/video/models/r2plus1d.h"
#include "modalities/video/models/resnet.h"
#include "modalities/video/models/se_resnext.h"
#include "modalities/video/models/xception.h"

namespace dflab {

void register_model_plugins(Registry& registry) {
  // frame models
  registry.add<Meso4Model>(Meso4Model::info());
  for (int depth : {18, 34, 50})
    registry.add(ResNetModel::info(depth), [depth](const Params& p) -> std::unique_ptr<Plugin> {
      return std::make_unique<ResNetModel>(depth, p);
    });
  registry.add<MesoInception4Model>(MesoInception4Model::info());
  for (int b = 0; b <= 7; ++b)
    registry.add(EfficientNetModel::info(b), [b](const Params& p) -> std::unique_ptr<Plugin> {
      return std::make_unique<EfficientNetModel>(b, p);
    });
  registry.add<XceptionModel>(XceptionModel::info());
  registry.add<SeResNeXtModel>(SeResNeXtModel::info());
  registry.add<MobileNetV2Model>(MobileNetV2Model::info());
  // sequence models
  registry.add<FrameTcnModel>(FrameTcnModel::info());
  registry.add<R2Plus1dModel>(R2Plus1dModel::info());
  registry.add<Mc3Model>(Mc3Model::info());
  registry.add<EfficientNet3dModel>(EfficientNet3dModel::info());
  // audio models
  registry.add<MelResNet18Model>(MelResNet18Model::info());
  registry.add<MelCnnModel>(MelCnnModel::info());
  registry.add<LcnnModel>(LcnnModel::info());
  registry.add<RawNet2Model>(RawNet2Model::info());
  for (const char* variant : {"aasist", "aasist_l"})
    registry.add(AasistModel::info(variant), [variant](const Params& p) -> std::unique_ptr<Plugin> {
      return std::make_unique<AasistModel>(variant, p);
    });
  // audio-visual models (modality av: mouth stacks + their audio windows)
  registry.add<AvJointModel>(AvJointModel::info());
  registry.add<AvSyncModel>(AvSyncModel::info());
  // any modality
  registry.add<TorchScriptModel>(TorchScriptModel::info());
  registry.add<OnnxBackboneModel>(OnnxBackboneModel::info());
}

}  // namespace dflab
