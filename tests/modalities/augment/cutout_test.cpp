#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(Cutout, ZeroesOneSquareOfTheRequestedArea) {
  auto aug = make_aug("cutout", {{"p", 1.0},
                                 {"scale", std::vector<double>{0.1, 0.1}},
                                 {"ratio", std::vector<double>{1.0, 1.0}},
                                 {"fill", std::string("zero")}});
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    AugmentSample s;
    s.frames = {cv::Mat(100, 100, CV_8UC3, cv::Scalar::all(255))};
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    cv::Mat grey;
    cv::cvtColor(s.frames[0], grey, cv::COLOR_BGR2GRAY);
    cv::Mat zero = grey == 0;
    EXPECT_EQ(cv::countNonZero(zero), 32 * 32);   // round(sqrt(0.1 * 100 * 100)) = 32
    const cv::Rect box = cv::boundingRect(zero);
    EXPECT_EQ(box.size(), cv::Size(32, 32));
    EXPECT_EQ(cv::countNonZero(grey == 255), 100 * 100 - 32 * 32);
  }
}

TEST(Cutout, CountBoxesFilledWithTheMean) {
  auto aug = make_aug("cutout", {{"p", 1.0},
                                 {"count", std::int64_t{3}},
                                 {"scale", std::vector<double>{0.02, 0.02}},
                                 {"fill", std::string("mean")}});
  AugmentSample s;
  s.frames = {cv::Mat(100, 100, CV_8UC3, cv::Scalar(10, 20, 30))};
  s.frames[0](cv::Rect(0, 0, 50, 100)).setTo(cv::Scalar(110, 120, 130));   // mean (60, 70, 80)
  std::mt19937_64 rng(4);
  aug->apply(s, nullptr, rng);
  cv::Mat is_mean;
  cv::inRange(s.frames[0], cv::Scalar(60, 70, 80), cv::Scalar(60, 70, 80), is_mean);
  EXPECT_GT(cv::countNonZero(is_mean), 150);        // >= one box of 200 px, boxes may overlap
  EXPECT_LE(cv::countNonZero(is_mean), 3 * 260);    // 3 boxes of ~200 px (aspect rounding)
}

}  // namespace
}  // namespace dflab::test
