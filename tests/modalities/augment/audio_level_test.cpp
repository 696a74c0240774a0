#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(AudioGain, AddsOneOffsetInRangeToEveryCell) {
  auto aug = make_aug("audio_gain", {{"p", 1.0}, {"gain_db", std::vector<double>{-6.0, 6.0}}});
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    AugmentSample s = audio_sample();
    const AugmentSample before = deep_copy(s);
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    const cv::Mat diff = s.feature - before.feature;
    double lo, hi;
    cv::minMaxLoc(diff, &lo, &hi);
    EXPECT_NEAR(lo, hi, 1e-4);
    EXPECT_GE(lo, -6.0 - 1e-4);
    EXPECT_LE(hi, 6.0 + 1e-4);
  }
}

TEST(AudioNoise, PowerModeRaisesQuietCellsToTheFloorAndSparesLoudOnes) {
  AugmentSample s;
  s.modality = AugmentModality::audio;
  s.feature = cv::Mat(40, 200, CV_32FC1, cv::Scalar(-80.0f));   // silence
  s.feature.rowRange(0, 20).setTo(0.0f);                        // loud half: the peak
  const AugmentSample before = deep_copy(s);
  std::mt19937_64 rng(1);
  make_aug("audio_noise", {{"p", 1.0}, {"snr_db", std::vector<double>{40.0, 40.0}}})->apply(s, nullptr, rng);
  const cv::Mat diff = s.feature - before.feature;
  double lo;
  cv::minMaxLoc(diff, &lo);
  EXPECT_GE(lo, 0.0) << "adding power never lowers a cell";
  double loud_max;
  cv::minMaxLoc(diff.rowRange(0, 20), nullptr, &loud_max);
  EXPECT_LT(loud_max, 0.1);   // noise 40 dB below: at most ~10 log10(1 + 1e-4 * E)
  // Quiet cells: 10 log10(1e-8 + 1e-4 E); E[10 log10 E] = -2.51 dB for Exp(1), so mean ≈ -42.5 dB.
  const double quiet_mean = cv::mean(s.feature.rowRange(20, 40))[0];
  EXPECT_NEAR(quiet_mean, -40.0 - 2.51, 0.3);
}

TEST(AudioNoise, FeatureModeIsZeroMeanJitter) {
  AugmentSample s = audio_sample(64, 200);
  const AugmentSample before = deep_copy(s);
  std::mt19937_64 rng(1);
  make_aug("audio_noise", {{"p", 1.0}, {"mode", std::string("feature")}, {"sigma_db", std::vector<double>{2.0, 2.0}}})
      ->apply(s, nullptr, rng);
  cv::Scalar mean, sd;
  cv::meanStdDev(s.feature - before.feature, mean, sd);
  EXPECT_NEAR(mean[0], 0.0, 0.05);
  EXPECT_NEAR(sd[0], 2.0, 0.05);
}

}  // namespace
}  // namespace dflab::test
