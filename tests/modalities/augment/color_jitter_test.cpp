#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(ColorJitter, BrightnessScalesEveryPixelByOneFactorInRange) {
  auto aug = make_aug("color_jitter",
                      {{"p", 1.0}, {"brightness", 0.3}, {"contrast", 0.0}, {"saturation", 0.0}, {"hue", 0.0}});
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    AugmentSample s;
    s.frames = {cv::Mat(8, 8, CV_8UC3, cv::Scalar(40, 80, 120))};
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    const cv::Vec3b px = s.frames[0].at<cv::Vec3b>(3, 3);
    const double b = px[2] / 120.0;
    EXPECT_GE(b, 0.7 - 0.01);
    EXPECT_LE(b, 1.3 + 0.01);
    EXPECT_NEAR(px[0], 40 * b, 1.0);
    EXPECT_NEAR(px[1], 80 * b, 1.0);
    EXPECT_EQ(cv::norm(s.frames[0], cv::Mat(8, 8, CV_8UC3, cv::Scalar(px)), cv::NORM_INF), 0.0);
  }
}

TEST(ColorJitter, SaturationAndHueLeaveGreyAlone) {
  auto aug = make_aug("color_jitter",
                      {{"p", 1.0}, {"brightness", 0.0}, {"contrast", 0.0}, {"saturation", 0.5}, {"hue", 0.3}});
  AugmentSample s;
  s.frames = {cv::Mat(8, 8, CV_8UC3, cv::Scalar(90, 90, 90))};
  std::mt19937_64 rng(2);
  aug->apply(s, nullptr, rng);
  EXPECT_LE(cv::norm(s.frames[0], cv::Mat(8, 8, CV_8UC3, cv::Scalar(90, 90, 90)), cv::NORM_INF), 1.0);
}

TEST(ColorJitter, HueRotatesAPureColour) {
  auto aug = make_aug("color_jitter",
                      {{"p", 1.0}, {"brightness", 0.0}, {"contrast", 0.0}, {"saturation", 0.0}, {"hue", 0.5}});
  int changed = 0;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    AugmentSample s;
    s.frames = {cv::Mat(4, 4, CV_8UC3, cv::Scalar(0, 0, 255))};   // pure red
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    const cv::Vec3b px = s.frames[0].at<cv::Vec3b>(0, 0);
    EXPECT_EQ(std::max({px[0], px[1], px[2]}), 255);   // value and saturation are kept
    EXPECT_EQ(std::min({px[0], px[1], px[2]}), 0);
    changed += px != cv::Vec3b(0, 0, 255);
  }
  EXPECT_GE(changed, 4);
}

}  // namespace
}  // namespace dflab::test
