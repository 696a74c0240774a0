#pragma once
// Adds every built-in model plugin (kind "model") to a registry; called from
// experiments/builtin_plugins.cpp. Torch-free on purpose: see model.h for the interface.
//
// frame (video):  meso4, mesoinception4, resnet18, resnet34, resnet50, efficientnet_b0 ... b7, xception,
//                 se_resnext50
// sequence:       frame_tcn (frame CNN + temporal convolution over k frames), r2plus1d_18
// audio:          mel_resnet18, lcnn, mel_cnn
// any:            torchscript (a TorchScript file exported from PyTorch)
// frozen:         onnx_backbone (ONNX ImageNet backbone via OpenCV DNN + a trained linear head)

#include "registry/registry.h"

namespace dflab {

void register_model_plugins(Registry& registry);

}  // namespace dflab
