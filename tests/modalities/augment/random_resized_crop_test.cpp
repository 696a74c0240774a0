#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(RandomResizedCrop, FullBoxIsTheIdentity) {
  AugmentSample s = video_sample(1, 48, 48);
  const AugmentSample before = deep_copy(s);
  std::mt19937_64 rng(3);
  make_aug("random_resized_crop", {{"p", 1.0}, {"scale", std::vector<double>{1.0, 1.0}}, {"ratio", std::vector<double>{1.0, 1.0}}})
      ->apply(s, nullptr, rng);
  EXPECT_TRUE(same_sample(s, before));
}

TEST(RandomResizedCrop, ZoomsTwiceAndLandmarksFollowThePixels) {
  auto aug = make_aug("random_resized_crop",
                      {{"p", 1.0}, {"scale", std::vector<double>{0.25, 0.25}}, {"ratio", std::vector<double>{1.0, 1.0}}});
  int checked = 0;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    AugmentSample s;
    s.frames = {cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(0))};
    s.frames[0](cv::Rect(30, 28, 4, 4)).setTo(cv::Scalar::all(255));   // a 4x4 dot, centre (31.5, 29.5)
    s.landmarks = {{{31.5f, 29.5f}}};
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    ASSERT_EQ(s.frames[0].size(), cv::Size(64, 64));
    cv::Mat grey;
    cv::cvtColor(s.frames[0], grey, cv::COLOR_BGR2GRAY);
    const cv::Moments mo = cv::moments(grey);
    if (mo.m00 < 255.0 * 60) continue;   // the dot fell (partly) outside this box
    ++checked;
    EXPECT_NEAR(mo.m00 / 255.0, 64.0, 8.0) << "a 4x4 dot zoomed 2x covers ~8x8 px";
    EXPECT_NEAR(mo.m10 / mo.m00, s.landmarks[0][0].x, 0.6) << seed;
    EXPECT_NEAR(mo.m01 / mo.m00, s.landmarks[0][0].y, 0.6) << seed;
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace dflab::test
