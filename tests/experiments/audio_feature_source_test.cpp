// AudioFeatureSource (experiments/training/audio_feature_source.h) with the raw waveform: one
// global scale from the training samples, windows of the model's width, and silence (a missing
// track, the padding of a short clip) at the feature's own silence value 0, not at the training
// data's most negative sample.
#include "experiments/training/audio_feature_source.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "experiments/training/batch_loader.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

class AudioFeatureSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dflab_audio_source_" + std::to_string(::getpid()));
    cache_ = std::make_unique<FeatureCache>(dir_.string());
    // Two "waveforms": 10 samples of +-0.5 around 0.1, and 4 samples of a ramp down to -0.9.
    FeatureMatrix a(1, 10), b(1, 4);
    for (int i = 0; i < 10; ++i) a.at(0, i) = 0.1f + (i % 2 ? 0.5f : -0.5f);
    const float ramp[4] = {0.3f, -0.1f, -0.5f, -0.9f};
    for (int i = 0; i < 4; ++i) b.at(0, i) = ramp[i];
    cache_->store("a", a);
    cache_->store("b", b);
    for (float v : a.data) values_.push_back(v);
    for (float v : b.data) values_.push_back(v);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<AudioFeatureEntry> entries() const {
    AudioFeatureEntry a, b, silent;
    a.video = {"a", 1, -1};
    a.cache_key = "a";
    b.video = {"b", 0, -1};
    b.cache_key = "b";
    silent.video = {"silent", 0, -1};
    silent.silent = true;
    return {a, b, silent};
  }

  fs::path dir_;
  std::unique_ptr<FeatureCache> cache_;
  std::vector<float> values_;
};

TEST_F(AudioFeatureSourceTest, WaveformGetsOneGlobalScaleAndSilenceAtZero) {
  const AudioFeatureSource src(entries(), *cache_, /*height=*/1, /*width=*/6, std::nullopt, /*silence=*/0.0f);
  double mean = 0, m2 = 0;
  for (float v : values_) mean += v;
  mean /= static_cast<double>(values_.size());
  for (float v : values_) m2 += (v - mean) * (v - mean);
  const InputNormalisation norm = src.normalisation();
  ASSERT_EQ(norm.mean.size(), 1u);
  ASSERT_EQ(norm.std.size(), 1u);
  EXPECT_NEAR(norm.mean[0], mean, 1e-6);
  EXPECT_NEAR(norm.std[0], std::sqrt(m2 / static_cast<double>(values_.size())), 1e-6);
  EXPECT_EQ(norm.silence, 0.0f);

  EXPECT_EQ(src.units(0), 2u);   // 10 samples in windows of 6: [0, 6) and the last 6, [4, 10)
  EXPECT_EQ(src.units(1), 1u);
  const AugmentSample last = src.load(0, 1, nullptr);
  EXPECT_EQ(last.feature.at<float>(0, 0), values_[4]);
  // The 4-sample clip: its samples, then silence (0), not the minimum -0.9.
  const AugmentSample short_clip = src.load(1, 0, nullptr);
  ASSERT_EQ(short_clip.feature.cols, 6);
  EXPECT_EQ(short_clip.feature.at<float>(0, 3), -0.9f);
  EXPECT_EQ(short_clip.feature.at<float>(0, 4), 0.0f);
  EXPECT_EQ(short_clip.feature.at<float>(0, 5), 0.0f);
  const AugmentSample silent = src.load(2, 0, nullptr);
  EXPECT_EQ(cv::countNonZero(silent.feature), 0);

  // Batched as the model sees it: [N, 1, 1, width], (x - mean) / std.
  const torch::Tensor x = samples_to_tensor({short_clip}, norm, /*sequence=*/false);
  EXPECT_EQ(x.sizes(), (std::vector<std::int64_t>{1, 1, 1, 6}));
  EXPECT_NEAR(x[0][0][0][4].item<float>(), (0.0 - mean) / norm.std[0], 1e-5);

  // Validation data shares the training statistics and their silence.
  const AudioFeatureSource val(entries(), *cache_, 1, 6, norm);
  EXPECT_EQ(val.normalisation().silence, 0.0f);
}

TEST_F(AudioFeatureSourceTest, WithoutAFeatureSilenceTheFloorIsTheTrainingMinimum) {
  const AudioFeatureSource src(entries(), *cache_, 1, 6);   // a log spectrogram's rule
  EXPECT_EQ(src.normalisation().silence, -0.9f);
  EXPECT_EQ(src.load(1, 0, nullptr).feature.at<float>(0, 5), -0.9f);
}

TEST_F(AudioFeatureSourceTest, AFeatureOfAnotherHeightIsNamed) {
  try {
    const AudioFeatureSource src(entries(), *cache_, /*height=*/60, 6);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("has 1 rows but the model expects 60"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dflab
