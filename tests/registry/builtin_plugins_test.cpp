// Built-in plugins must all be present in a statically linked binary: this test binary links the
// static dflab libraries exactly as the dflab executable does, and checks every expected name.
// When you add a built-in plugin, add its name here; the second test checks each one works.
#include "experiments/builtin_plugins.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "datasets/synth/cartoon_face.h"
#include "modalities/aggregators/aggregator.h"
#include "modalities/audio/audio_feature.h"
#include "modalities/augment/augmentation.h"
#include "modalities/av/models/av_model.h"
#include "modalities/fusion/fusion.h"
#include "modalities/models/model.h"
#include "modalities/video/face_detector.h"
#include "tests/modalities/augment/augment_test_util.h"

namespace dflab {
namespace {

// Eyes, nose, mouth corners of a 64 x 64 crop (for augmentations that use landmarks).
std::vector<cv::Point2f> five_landmarks() { return {{22, 26}, {42, 26}, {32, 36}, {24, 46}, {40, 46}}; }

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
      {kind::audio_feature, "lfcc"},   {kind::audio_feature, "ffdv_mel_image"}, {kind::audio_feature, "waveform"},
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
      {kind::model, "rawnet2"},        {kind::model, "aasist"},         {kind::model, "aasist_l"},
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

bool all_defaulted(const PluginInfo& info) {
  for (const auto& s : info.params)
    if (!s.default_value) return false;   // required parameters (a model file): the plugin's own test
  return true;
}

// Drawn frontal faces (datasets/synth/cartoon_face.h; dlib_hog and haar find >= 90% of them).
cv::Mat face_frame(std::uint64_t i) {
  synth::SynthRng rng(synth::derive_seed(1234, "face-test", i));
  const synth::FaceStyle style = synth::random_face_style(rng, 320, 240);
  const synth::FacePose pose = synth::face_pose_at(style, 0.5);
  return synth::draw_face_frame(style, pose, 0.3, rng);
}

// Every plugin built from its defaults does its job, observably: a model gives one finite
// logit per sample for its declared input, an augmentation (at p = 1) changes its sample and
// keeps its shape, an aggregator and a fusion stay within and follow their inputs, an audio
// feature gives finite values, a face detector finds the drawn face and nothing in a blank frame.
TEST(BuiltinPlugins, EveryPluginBuiltFromItsDefaultsWorks) {
  const Registry reg = builtin_registry();
  std::set<std::string> checked;
  for (const PluginInfo* info : reg.list()) {
    const std::string what = info->kind + "/" + info->name;
    EXPECT_FALSE(info->doc.empty()) << what;
    if (!all_defaulted(*info)) continue;
    const Params params = reg.defaults(info->kind, info->name);
    SCOPED_TRACE(what);
    if (info->kind == kind::model) {
      // At a small input side or waveform length where the model declares one (EfficientNet-B7's
      // 600 px would take seconds here; tests/modalities/models/model_zoo_test.cpp runs the full sizes).
      Params p = params;
      if (const ParamSpec* side = info->param("input_size"))
        p.set("input_size", std::max<std::int64_t>(64, static_cast<std::int64_t>(side->min.value_or(64))));
      if (const ParamSpec* samples = info->param("samples"))   // raw-waveform models: their shortest input
        p.set("samples", static_cast<std::int64_t>(samples->min.value_or(64600)));
      auto model = reg.create<Model>(info->kind, info->name, p);
      model->eval();
      torch::NoGradGuard no_grad;
      const torch::Tensor x = torch::rand(model->input().shape(/*batch=*/2));
      auto* av = dynamic_cast<AvModel*>(model.get());   // mouth stacks and their audio windows
      const torch::Tensor y = av ? av->forward_av(x, torch::rand(av->audio_shape(2))) : model->forward(x);
      ASSERT_EQ(y.dim(), 1) << model->input().describe();
      EXPECT_EQ(y.size(0), 2) << model->input().describe();
      EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    } else if (info->kind == kind::augmentation) {
      Params p = params;
      p.set("p", 1.0);
      auto aug = reg.create<Augmentation>(info->kind, info->name, p);
      const AugmentSample video = test::video_sample(2, 64, 64, 1.0f, 1), video_partner = test::video_sample(2, 64, 64, 0.0f, 9);
      const AugmentSample audio = test::audio_sample(40, 50, 1.0f, 7), audio_partner = test::audio_sample(40, 50, 0.0f, 8);
      // An audio-visual unit: 5 mouths, its audio window and the windows of 15 frames either side.
      auto av_unit = [](float base) {
        AugmentSample u;
        u.modality = AugmentModality::av;
        u.frames = test::video_sample(5, 32, 16, 0.0f, 4).frames;
        for (int k = 0; k < 31; ++k) u.audio_context.push_back(cv::Mat(13, 21, CV_32FC1, cv::Scalar(base + static_cast<float>(k))));
        u.audio_context_centre = 15;
        u.feature = u.audio_context[15].clone();
        return u;
      };
      const AugmentSample av = av_unit(0.0f), av_partner = av_unit(100.0f);
      bool applied = false;
      for (const auto& pair : {std::pair{&video, &video_partner}, std::pair{&audio, &audio_partner}, std::pair{&av, &av_partner}}) {
        if (!aug->applies_to(pair.first->modality)) continue;
        AugmentSample original = test::deep_copy(*pair.first);
        if (original.modality == AugmentModality::video) original.landmarks = {five_landmarks(), five_landmarks()};
        // A random draw may be the identity (time_shift by 0 frames): one of a few draws must act.
        AugmentSample s;
        bool changed = false;
        for (std::uint64_t seed = 3; seed < 8 && !changed; ++seed) {
          s = test::deep_copy(original);
          std::mt19937_64 rng(seed);
          aug->apply(s, aug->partner() == PartnerKind::none ? nullptr : pair.second, rng);
          changed = !test::same_sample(s, original);
        }
        applied = true;
        EXPECT_TRUE(changed) << "p = 1 left the sample as it was in 5 draws";
        ASSERT_EQ(s.frames.size(), pair.first->frames.size());
        for (std::size_t i = 0; i < s.frames.size(); ++i) {
          EXPECT_EQ(s.frames[i].size(), pair.first->frames[i].size());
          EXPECT_EQ(s.frames[i].type(), CV_8UC3);
        }
        EXPECT_EQ(s.feature.size(), pair.first->feature.size());
        EXPECT_GE(s.target, 0.0f);
        EXPECT_LE(s.target, 1.0f);
      }
      EXPECT_TRUE(applied) << "applies to neither modality";
    } else if (info->kind == kind::aggregator) {
      auto agg = reg.create<Aggregator>(info->kind, info->name, params);
      // Some sharpen (confidence_weighted maps 0.7 to 0.85), so: a probability, a neutral clip
      // stays neutral, more fake frames give a higher score, and not only the first frame counts.
      const double mixed = agg->aggregate({0.1, 0.2, 0.3, 0.95});
      EXPECT_GE(mixed, 0.0);
      EXPECT_LE(mixed, 1.0);
      EXPECT_NEAR(agg->aggregate({0.5, 0.5, 0.5}), 0.5, 1e-9);
      EXPECT_LT(agg->aggregate({0.1, 0.2, 0.15}), agg->aggregate({0.8, 0.9, 0.85}));
      EXPECT_LT(agg->aggregate({0.1, 0.2, 0.15}), agg->aggregate({0.1, 0.9, 0.95}));
    } else if (info->kind == kind::fusion) {
      auto fusion = reg.create<Fusion>(info->kind, info->name, params);
      // Two informative models on 8 validation videos, then fused on 3: all-low, mixed, all-high.
      fusion->fit({{0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9}, {0.2, 0.1, 0.4, 0.3, 0.7, 0.6, 0.9, 0.8}},
                  {0, 0, 0, 0, 1, 1, 1, 1});
      const std::vector<double> fused = fusion->fuse({{0.1, 0.2, 0.9}, {0.15, 0.8, 0.95}});
      ASSERT_EQ(fused.size(), 3u);
      for (double f : fused) {
        EXPECT_GE(f, 0.0);
        EXPECT_LE(f, 1.0);
      }
      EXPECT_LT(fused[0], fused[1]);
      EXPECT_LT(fused[1], fused[2]);
    } else if (info->kind == kind::audio_feature) {
      auto feature = reg.create<AudioFeature>(info->kind, info->name, params);
      std::vector<float> tone(static_cast<std::size_t>(feature->sample_rate()));
      for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 440.0 * i / feature->sample_rate()));
      const FeatureMatrix m = feature->compute(tone);
      EXPECT_GT(m.n_rows, 0);
      EXPECT_GT(m.n_cols, 1);
      for (float v : m.data) ASSERT_TRUE(std::isfinite(v));
      const auto [lo, hi] = std::minmax_element(m.data.begin(), m.data.end());
      EXPECT_LT(*lo, *hi) << "a tone gives a varying feature";
    } else if (info->kind == kind::face_detector) {
      auto detector = reg.create<FaceDetector>(info->kind, info->name, params);
      EXPECT_TRUE(detector->detect(cv::Mat(240, 320, CV_8UC3, cv::Scalar::all(128))).empty());
      int found = 0;
      for (std::uint64_t i = 0; i < 8 && !found; ++i) {
        const auto faces = detector->detect(face_frame(i));
        found += !faces.empty();
        for (const auto& f : faces) EXPECT_TRUE(cv::Rect2f(0, 0, 320, 240).contains((f.box.tl() + f.box.br()) * 0.5f));
      }
      EXPECT_EQ(found, 1) << "none of 8 drawn faces was found";
    } else {
      ADD_FAILURE() << "no check for kind " << info->kind << ": add one";
    }
    checked.insert(what);
  }
  EXPECT_GE(checked.size(), 50u) << "most built-in plugins have only defaulted parameters";
}

}  // namespace
}  // namespace dflab
