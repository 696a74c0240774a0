#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(GaussianBlur, MatchesOpenCvAtAFixedSigma) {
  AugmentSample s = video_sample(2);
  const AugmentSample before = deep_copy(s);
  std::mt19937_64 rng(1);
  make_aug("gaussian_blur", {{"p", 1.0}, {"sigma", std::vector<double>{1.0, 1.0}}})->apply(s, nullptr, rng);
  for (std::size_t i = 0; i < 2; ++i) {
    cv::Mat expected;
    cv::GaussianBlur(before.frames[i], expected, cv::Size(7, 7), 1.0, 1.0, cv::BORDER_REFLECT_101);
    EXPECT_TRUE(same_mat(s.frames[i], expected));
  }
}

TEST(GaussianNoise, HasTheRequestedStandardDeviationAndZeroMean) {
  AugmentSample s;
  s.frames = {cv::Mat(128, 128, CV_8UC3, cv::Scalar::all(128))};
  std::mt19937_64 rng(1);
  make_aug("gaussian_noise", {{"p", 1.0}, {"sigma", std::vector<double>{6.0, 6.0}}})->apply(s, nullptr, rng);
  cv::Mat diff;
  s.frames[0].convertTo(diff, CV_32FC3, 1.0, -128.0);
  cv::Scalar mean, sd;
  cv::meanStdDev(diff.reshape(1), mean, sd);
  EXPECT_NEAR(mean[0], 0.0, 0.2);
  EXPECT_NEAR(sd[0], 6.0, 0.3);
}

}  // namespace
}  // namespace dflab::test
