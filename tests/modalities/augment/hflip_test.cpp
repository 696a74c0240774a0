#include "modalities/augment/hflip.h"

#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

TEST(Hflip, MirrorsPixelsExactly) {
  AugmentSample s = video_sample(2, 37, 20);
  const AugmentSample before = deep_copy(s);
  std::mt19937_64 rng(1);
  make_aug("hflip", {{"p", 1.0}})->apply(s, nullptr, rng);
  for (std::size_t i = 0; i < 2; ++i)
    for (int y = 0; y < 20; ++y)
      for (int x = 0; x < 37; ++x)
        ASSERT_EQ(s.frames[i].at<cv::Vec3b>(y, x), before.frames[i].at<cv::Vec3b>(y, 36 - x)) << x << "," << y;
}

TEST(Hflip, MirrorsFivePointLandmarksAndKeepsTheLayout) {
  AugmentSample s = video_sample(1, 100, 100);
  // left eye, right eye, nose, left mouth corner, right mouth corner (image left = smaller x)
  s.landmarks = {{{30, 40}, {70, 41}, {52, 60}, {35, 80}, {66, 79}}};
  std::mt19937_64 rng(1);
  make_aug("hflip", {{"p", 1.0}})->apply(s, nullptr, rng);
  const std::vector<cv::Point2f> expected = {{99 - 70.f, 41}, {99 - 30.f, 40}, {99 - 52.f, 60}, {99 - 66.f, 79},
                                             {99 - 35.f, 80}};
  EXPECT_EQ(s.landmarks[0], expected);
  EXPECT_LT(s.landmarks[0][0].x, s.landmarks[0][1].x);   // point 0 is still the eye on the left
}

TEST(Hflip, SixtyEightPointMirrorIsAnInvolutionAndSwapsEyes) {
  std::vector<cv::Point2f> pts;
  for (int i = 0; i < 68; ++i) pts.emplace_back(static_cast<float>(i), static_cast<float>(2 * i));
  AugmentSample s = video_sample(1, 100, 100);
  s.landmarks = {pts};
  auto flip = make_aug("hflip", {{"p", 1.0}});
  std::mt19937_64 rng(1);
  flip->apply(s, nullptr, rng);
  EXPECT_EQ(s.landmarks[0][36], cv::Point2f(99 - 45.f, 90.f));   // outer corner of one eye ↔ the other's
  EXPECT_EQ(s.landmarks[0][30], cv::Point2f(99 - 30.f, 60.f));   // nose tip stays the nose tip
  EXPECT_EQ(s.landmarks[0][48], cv::Point2f(99 - 54.f, 108.f));
  flip->apply(s, nullptr, rng);
  EXPECT_EQ(s.landmarks[0], pts);
  for (int i = 0; i < 68; ++i) EXPECT_EQ(landmark_mirror_index(68, landmark_mirror_index(68, i)), i);
}

}  // namespace
}  // namespace dflab::test
