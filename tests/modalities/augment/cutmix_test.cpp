#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(Cutmix, PastesOneBoxOfThePartnerAndMixesTheTargetByArea) {
  auto aug = make_aug("cutmix", {{"p", 1.0}});
  int mixed = 0;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    AugmentSample s, partner;
    s.frames = {cv::Mat(50, 40, CV_8UC3, cv::Scalar::all(255)), cv::Mat(50, 40, CV_8UC3, cv::Scalar::all(255))};
    s.target = 1.0f;
    partner.frames = {cv::Mat(50, 40, CV_8UC3, cv::Scalar::all(0)), cv::Mat(50, 40, CV_8UC3, cv::Scalar::all(0))};
    partner.target = 0.0f;
    std::mt19937_64 rng(seed);
    aug->apply(s, &partner, rng);
    cv::Mat grey;
    cv::cvtColor(s.frames[0], grey, cv::COLOR_BGR2GRAY);
    const cv::Mat pasted = grey == 0;
    const int area = cv::countNonZero(pasted);
    EXPECT_EQ(area, cv::boundingRect(pasted).area()) << "the pasted region is one box";
    EXPECT_EQ(cv::countNonZero(grey == 255), 50 * 40 - area);
    EXPECT_FLOAT_EQ(s.target, 1.0f - static_cast<float>(area) / (50 * 40));
    EXPECT_TRUE(same_mat(s.frames[0], s.frames[1]));
    mixed += area > 0;
  }
  EXPECT_GE(mixed, 8);
}

}  // namespace
}  // namespace dflab::test
