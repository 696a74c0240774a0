// Built-in plugins must all be present in a statically linked binary: this test binary links the
// static dflab libraries exactly as the dflab executable does, and checks every expected name.
// When you add a built-in plugin, add its name here.
#include "experiments/builtin_plugins.h"

#include <gtest/gtest.h>

namespace dflab {
namespace {

TEST(BuiltinPlugins, EveryInTreePluginSurvivesStaticLinking) {
  const Registry reg = builtin_registry();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {kind::aggregator, "max"},       {kind::aggregator, "mean"},   {kind::aggregator, "median"},
      {kind::aggregator, "topk_mean"}, {kind::fusion, "max"},        {kind::fusion, "mean"},
      {kind::fusion, "weighted_mean"},
      {kind::aggregator, "confidence_weighted"}, {kind::aggregator, "confident_strategy"},
      {kind::fusion, "stacking"},      {kind::fusion, "confidence_weighted"},
      {kind::model, "mc3_18"},         {kind::model, "efficientnet3d_b0"},
      {kind::audio_feature, "stft"},   {kind::audio_feature, "mel"},   {kind::audio_feature, "mfcc"},
      {kind::audio_feature, "lfcc"},   {kind::audio_feature, "ffdv_mel_image"},
      {kind::face_detector, "haar"},   {kind::face_detector, "lbp"},   {kind::face_detector, "dlib_hog"},
      {kind::face_detector, "yunet"},  {kind::face_detector, "ultraface"}, {kind::face_detector, "res10_ssd"},
      {kind::face_detector, "blazeface"}, {kind::face_detector, "mtcnn"},
      {kind::model, "meso4"},          {kind::model, "mesoinception4"}, {kind::model, "resnet18"},
      {kind::model, "resnet34"},       {kind::model, "resnet50"},       {kind::model, "efficientnet_b0"},
      {kind::model, "efficientnet_b1"}, {kind::model, "efficientnet_b2"}, {kind::model, "efficientnet_b3"},
      {kind::model, "efficientnet_b4"}, {kind::model, "efficientnet_b5"}, {kind::model, "efficientnet_b6"},
      {kind::model, "efficientnet_b7"}, {kind::model, "frame_tcn"},     {kind::model, "mel_resnet18"},
      {kind::model, "mel_cnn"},        {kind::model, "lcnn"},           {kind::model, "torchscript"},
      {kind::model, "xception"},       {kind::model, "r2plus1d_18"},
      {kind::model, "se_resnext50"},    {kind::model, "onnx_backbone"},
      {kind::augmentation, "hflip"},   {kind::augmentation, "random_resized_crop"},
      {kind::augmentation, "color_jitter"}, {kind::augmentation, "gaussian_blur"},
      {kind::augmentation, "gaussian_noise"}, {kind::augmentation, "cutout"}, {kind::augmentation, "jpeg"},
      {kind::augmentation, "h264_reencode"}, {kind::augmentation, "landmark_cutout"},
      {kind::augmentation, "cutmix"},  {kind::augmentation, "mixup"},   {kind::augmentation, "paired_mixup"},
      {kind::augmentation, "audio_gain"}, {kind::augmentation, "audio_noise"},
      {kind::augmentation, "time_shift"}, {kind::augmentation, "spec_augment"},
  };
  for (const auto& [k, name] : expected) EXPECT_TRUE(reg.contains(k, name)) << k << "/" << name;
}

TEST(BuiltinPlugins, EveryPluginBuildsFromItsDefaults) {
  const Registry reg = builtin_registry();
  for (const PluginInfo* info : reg.list()) {
    bool all_defaulted = true;
    for (const auto& s : info->params) all_defaulted = all_defaulted && s.default_value.has_value();
    if (!all_defaulted) continue;   // required parameters: covered by the plugin's own test
    EXPECT_NO_THROW(reg.create_plugin(info->kind, info->name, reg.defaults(info->kind, info->name)))
        << info->kind << "/" << info->name;
    EXPECT_FALSE(info->doc.empty()) << info->kind << "/" << info->name;
  }
}

}  // namespace
}  // namespace dflab
