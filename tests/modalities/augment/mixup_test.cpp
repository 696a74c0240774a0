#include "modalities/augment/mixup.h"

#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(Mixup, GivesTheExactBlendAndSoftTarget) {
  auto aug = make_aug("mixup", {{"p", 1.0}, {"alpha", 1.0}});
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    AugmentSample a = video_sample(2, 32, 32, 1.0f, 1), b = video_sample(2, 32, 32, 0.0f, 20);
    const AugmentSample a0 = deep_copy(a);
    std::mt19937_64 rng(seed);
    aug->apply(a, &b, rng);
    const double lambda = a.target;   // target = lambda * 1 + (1 - lambda) * 0
    ASSERT_GT(lambda, 0.0);
    ASSERT_LT(lambda, 1.0);
    for (std::size_t i = 0; i < 2; ++i) {
      cv::Mat expected;
      cv::Mat fa, fb;
      a0.frames[i].convertTo(fa, CV_64FC3);
      b.frames[i].convertTo(fb, CV_64FC3);
      cv::Mat blend = lambda * fa + (1.0 - lambda) * fb;
      blend.convertTo(expected, CV_8UC3);
      EXPECT_LE(cv::norm(a.frames[i], expected, cv::NORM_INF), 1.0) << seed;
    }
  }
}

TEST(Mixup, BlendsAudioFeatures) {
  AugmentSample a = audio_sample(20, 30, 1.0f, 1), b = audio_sample(20, 30, 0.0f, 2);
  const AugmentSample a0 = deep_copy(a);
  std::mt19937_64 rng(3);
  make_aug("mixup", {{"p", 1.0}})->apply(a, &b, rng);
  const double lambda = a.target;
  cv::Mat expected = lambda * a0.feature + (1.0 - lambda) * b.feature;
  EXPECT_LE(cv::norm(a.feature, expected, cv::NORM_INF), 1e-3);
}

TEST(PairedMixup, TargetIsLambdaFakePlusOneMinusLambdaOriginal) {
  auto aug = make_aug("paired_mixup", {{"p", 1.0}});
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    AugmentSample fake, original;
    fake.frames = {cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(250))};
    fake.target = 0.9f;   // e.g. after label smoothing
    original.frames = {cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(50))};
    original.target = 0.1f;
    std::mt19937_64 rng(seed);
    aug->apply(fake, &original, rng);
    const double lambda = (fake.frames[0].at<cv::Vec3b>(0, 0)[0] - 50.0) / 200.0;   // pixel = 50 + 200 lambda
    EXPECT_NEAR(fake.target, lambda * 0.9 + (1.0 - lambda) * 0.1, 0.005) << seed;
  }
}

TEST(PairedMixup, LambdaFollowsBetaHalfHalf) {
  // Beta(0.5, 0.5): mean 1/2, variance 1/(4 (2a + 1)) = 1/8, U-shaped (a third of the mass below 0.067...).
  std::mt19937_64 rng(42);
  const int n = 20000;
  double sum = 0, sum2 = 0;
  int tails = 0;
  for (int i = 0; i < n; ++i) {
    const double l = beta_symmetric(rng, 0.5);
    ASSERT_GE(l, 0.0);
    ASSERT_LE(l, 1.0);
    sum += l;
    sum2 += l * l;
    tails += l < 0.1 || l > 0.9;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.01);
  EXPECT_NEAR(var, 0.125, 0.005);
  // P(l < 0.1) = (2/pi) asin(sqrt(0.1)) = 0.2048; both tails 0.4097
  EXPECT_NEAR(static_cast<double>(tails) / n, 0.4097, 0.015);
}

}  // namespace
}  // namespace dflab::test
