#include "modalities/augment/landmark_cutout.h"

#include <set>

#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

const std::vector<cv::Point2f> kFive = {{30, 40}, {70, 40}, {50, 60}, {36, 80}, {64, 80}};

cv::Mat erased_mask(const cv::Mat& frame) {
  cv::Mat grey;
  cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
  return grey == 0;
}

AugmentSample white_face(std::vector<std::vector<cv::Point2f>> landmarks) {
  AugmentSample s;
  s.frames = {cv::Mat(100, 100, CV_8UC3, cv::Scalar::all(255))};
  s.landmarks = std::move(landmarks);
  return s;
}

TEST(LandmarkCutout, ErasesABandBetweenTheEyes) {
  AugmentSample s = white_face({kFive});
  std::mt19937_64 rng(1);
  make_aug("landmark_cutout", {{"p", 1.0}, {"regions", std::vector<std::string>{"eyes"}}})->apply(s, nullptr, rng);
  const cv::Mat m = erased_mask(s.frames[0]);
  // eye distance 40 → dilation 10 → thickness 22: the band spans y in ~[29, 51], x in ~[19, 81]
  EXPECT_TRUE(m.at<uchar>(40, 30) && m.at<uchar>(40, 50) && m.at<uchar>(40, 70) && m.at<uchar>(32, 50));
  EXPECT_FALSE(m.at<uchar>(60, 50));   // nose untouched
  EXPECT_FALSE(m.at<uchar>(80, 50));   // mouth untouched
  EXPECT_FALSE(m.at<uchar>(10, 50));
  const cv::Rect box = cv::boundingRect(m);
  EXPECT_NEAR(box.height, 22, 2);
  EXPECT_NEAR(box.width, 40 + 22, 3);
  EXPECT_EQ(s.landmarks[0], kFive);
}

TEST(LandmarkCutout, NoseAndMouthRegions) {
  AugmentSample nose = white_face({kFive}), mouth = white_face({kFive});
  std::mt19937_64 rng(1);
  make_aug("landmark_cutout", {{"p", 1.0}, {"regions", std::vector<std::string>{"nose"}}})->apply(nose, nullptr, rng);
  make_aug("landmark_cutout", {{"p", 1.0}, {"regions", std::vector<std::string>{"mouth"}}})->apply(mouth, nullptr, rng);
  const cv::Mat n = erased_mask(nose.frames[0]), m = erased_mask(mouth.frames[0]);
  EXPECT_TRUE(n.at<uchar>(50, 50) && n.at<uchar>(58, 50));
  EXPECT_FALSE(n.at<uchar>(40, 25) || n.at<uchar>(85, 50));
  EXPECT_TRUE(m.at<uchar>(80, 40) && m.at<uchar>(80, 60));   // mouth width 28 → dilation 9, thickness 20
  EXPECT_FALSE(m.at<uchar>(40, 30) || m.at<uchar>(60, 50) || m.at<uchar>(95, 50));
}

TEST(LandmarkCutout, SixtyEightPointsReduceToFive) {
  std::vector<cv::Point2f> lm68(68, cv::Point2f(0, 0));
  for (int i = 36; i < 42; ++i) lm68[static_cast<std::size_t>(i)] = {30.0f + (i % 2 ? 3 : -3), 40.0f};
  for (int i = 42; i < 48; ++i) lm68[static_cast<std::size_t>(i)] = {70.0f + (i % 2 ? 3 : -3), 40.0f};
  lm68[30] = {50, 60};
  lm68[48] = {36, 80};
  lm68[54] = {64, 80};
  const auto p = five_points(lm68, {100, 100});
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(cv::norm(p[i] - kFive[i]), 0.0, 1e-4) << i;
  AugmentSample s = white_face({lm68});
  std::mt19937_64 rng(1);
  make_aug("landmark_cutout", {{"p", 1.0}, {"regions", std::vector<std::string>{"eyes"}}})->apply(s, nullptr, rng);
  EXPECT_TRUE(erased_mask(s.frames[0]).at<uchar>(40, 50));
}

TEST(LandmarkCutout, WithoutLandmarksUsesTheCanonicalCrop) {
  AugmentSample s = white_face({});
  std::mt19937_64 rng(1);
  make_aug("landmark_cutout", {{"p", 1.0}, {"regions", std::vector<std::string>{"mouth"}}})->apply(s, nullptr, rng);
  const cv::Mat m = erased_mask(s.frames[0]);
  EXPECT_TRUE(m.at<uchar>(72, 50));   // canonical mouth at y = 0.72
  EXPECT_FALSE(m.at<uchar>(41, 35));  // eyes untouched
}

TEST(LandmarkCutout, RejectsAnUnknownLandmarkLayout) {
  AugmentSample s = white_face({std::vector<cv::Point2f>(7, cv::Point2f(5, 5))});
  std::mt19937_64 rng(1);
  EXPECT_THROW(make_aug("landmark_cutout", {{"p", 1.0}})->apply(s, nullptr, rng), std::invalid_argument);
}

TEST(LandmarkCutout, PicksEveryRegionOverSeeds) {
  auto aug = make_aug("landmark_cutout", {{"p", 1.0}});
  std::set<std::string> seen;
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    AugmentSample s = white_face({kFive});
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    const cv::Mat m = erased_mask(s.frames[0]);
    if (m.at<uchar>(40, 70)) seen.insert("eyes");
    if (m.at<uchar>(55, 50) && !m.at<uchar>(40, 70)) seen.insert("nose");
    if (m.at<uchar>(80, 60)) seen.insert("mouth");
  }
  EXPECT_EQ(seen.size(), 3u);
}

}  // namespace
}  // namespace dflab::test
