#include "modalities/augment/self_blend.h"

#include <gtest/gtest.h>

#include "modalities/augment/blend_mask.h"
#include "tests/modalities/augment/blend_test_util.h"

namespace dflab::test {
namespace {

AugmentSample blended(AugmentSample s, std::uint64_t seed, const std::map<std::string, ParamValue>& set = {{"p", 1.0}}) {
  std::mt19937_64 rng(seed);
  make_aug("self_blend", set)->apply(s, nullptr, rng);
  return s;
}

// How far the mask may reach beyond the hull on a 96-px crop: source shift 0.03·96 ≈ 3 px, scale
// 1/0.95 over a 34-px half face ≈ 2 px, elastic field ≈ 1–2 px, and the second blur's kernel (at
// most 25 px at a working size of at least 192 px, so 6 px here) after the first one eroded.
constexpr int kReachPx = 14;

TEST(SelfBlend, MaskLiesInTheHullRegionAndFadesAtItsEdge) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const AugmentSample s = blended(face_sample(1), seed, {{"p", 1.0}, {"blend_ratios", std::vector<double>{1.0}}});
    ASSERT_EQ(s.blend_masks.size(), 1u);
    const cv::Mat& m = s.blend_masks[0];
    ASSERT_EQ(m.type(), CV_32FC1);
    const std::vector<cv::Point2f> lm = face68(96, 96);
    const cv::Mat near = hull_region(lm, m.size(), kReachPx);
    EXPECT_EQ(cv::countNonZero((m > 0.0f) & ~near), 0) << "seed " << seed << ": mask outside the hull region";
    EXPECT_GT(m.at<float>(48, 48), 0.9f) << "seed " << seed << ": face centre not blended";
    // From the face centre outwards, in every direction, the mask falls from ~1 to 0 through
    // values in between: its edge was blurred, not cut.
    for (int k = 0; k < 16; ++k) {
      const double a = 2.0 * M_PI * k / 16.0;
      int soft = 0;
      for (double r = 0; r < 48; r += 0.5) {
        const int x = cvRound(48 + r * std::cos(a)), y = cvRound(48 + r * std::sin(a));
        if (x < 0 || y < 0 || x >= 96 || y >= 96) break;
        const float v = m.at<float>(y, x);
        soft += v > 0.05f && v < 0.95f;
      }
      EXPECT_GE(soft, 3) << "seed " << seed << ", direction " << k << ": a hard edge";
    }
  }
}

TEST(SelfBlend, PixelsOutsideTheMaskAreUnchangedAndTheTargetBecomesFake) {
  const AugmentSample before = face_sample(2);
  const AugmentSample s = blended(deep_copy(before), 3);
  EXPECT_EQ(s.target, 1.0f);
  ASSERT_EQ(s.blend_masks.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const cv::Mat outside = s.blend_masks[i] == 0.0f;
    ASSERT_GT(cv::countNonZero(outside), 96 * 96 / 5);
    cv::Mat diff;
    cv::absdiff(s.frames[i], before.frames[i], diff);
    cv::Mat diff1 = diff.reshape(1, diff.rows * diff.cols);
    cv::Mat changed;
    cv::reduce(diff1, changed, 1, cv::REDUCE_MAX);
    changed = changed.reshape(1, diff.rows) > 0;
    EXPECT_EQ(cv::countNonZero(changed & outside), 0) << "frame " << i;
    EXPECT_GT(cv::countNonZero(changed), 96 * 96 / 10) << "frame " << i << ": the face barely changed";
  }
  EXPECT_EQ(s.landmarks, before.landmarks);
}

TEST(SelfBlend, ReproducibleFromTheSeedAndDifferentAcrossSeeds) {
  const AugmentSample a = blended(face_sample(1), 11), b = blended(face_sample(1), 11), c = blended(face_sample(1), 12);
  EXPECT_TRUE(same_sample(a, b));
  EXPECT_TRUE(same_mat(a.blend_masks[0], b.blend_masks[0]));
  EXPECT_FALSE(same_mat(a.blend_masks[0], c.blend_masks[0]));
}

TEST(SelfBlend, OneDrawForEveryFrameOfAClip) {
  // Two frames with the same pixels and landmarks get the same blend; the same face moved by 8
  // px gets a mask whose centre of mass moved by about 8 px, with the same peak (same ratio).
  AugmentSample s = face_sample(3);
  s.frames[1] = s.frames[0].clone();
  for (auto& q : s.landmarks[2]) q.x += 8.0f;
  s = blended(std::move(s), 21, {{"p", 1.0}});
  EXPECT_TRUE(same_mat(s.frames[0], s.frames[1]));
  EXPECT_TRUE(same_mat(s.blend_masks[0], s.blend_masks[1]));
  const cv::Moments m0 = cv::moments(s.blend_masks[0]), m2 = cv::moments(s.blend_masks[2]);
  EXPECT_NEAR(m2.m10 / m2.m00 - m0.m10 / m0.m00, 8.0, 1.5);
  EXPECT_NEAR(m2.m01 / m2.m00, m0.m01 / m0.m00, 1.0);
  double peak0 = 0, peak2 = 0;
  cv::minMaxLoc(s.blend_masks[0], nullptr, &peak0);
  cv::minMaxLoc(s.blend_masks[2], nullptr, &peak2);
  EXPECT_NEAR(peak0, peak2, 1e-3);
}

TEST(SelfBlend, BlendRatioBoundsTheMask) {
  const AugmentSample s = blended(face_sample(1), 5, {{"p", 1.0}, {"blend_ratios", std::vector<double>{0.25}}});
  double peak = 0;
  cv::minMaxLoc(s.blend_masks[0], nullptr, &peak);
  EXPECT_NEAR(peak, 0.25, 1e-3);
}

TEST(SelfBlend, WithoutLandmarksTheCentreEllipseIsBlended) {
  // Documented fallback (blend_mask.h face_region): an ellipse at (0.5 W, 0.55 H), semi-axes
  // (0.3 W, 0.38 H). Frames without landmarks, with too few, or with 5 points never throw.
  AugmentSample none = face_sample(1);
  none.landmarks.clear();
  const AugmentSample s = blended(none, 7, {{"p", 1.0}, {"blend_ratios", std::vector<double>{1.0}}});
  const cv::Mat& m = s.blend_masks[0];
  cv::Mat ellipse = cv::Mat::zeros(m.size(), CV_8UC1);
  cv::ellipse(ellipse, cv::Point(48, 53), cv::Size(29, 36), 0, 0, 360, cv::Scalar(255), cv::FILLED);
  cv::dilate(ellipse, ellipse, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * kReachPx + 1, 2 * kReachPx + 1)));
  EXPECT_EQ(cv::countNonZero((m > 0.0f) & ~ellipse), 0);
  EXPECT_GT(m.at<float>(53, 48), 0.9f);
  EXPECT_EQ(s.target, 1.0f);
  EXPECT_EQ(face_region({}, {96, 96}).at<float>(53, 48), 1.0f);
  EXPECT_EQ(face_region({{10, 10}, {20, 20}}, {96, 96}).at<float>(53, 48), 1.0f);   // < 3 points: ellipse

  // 5 points (eyes, nose, mouth corners): their hull grown 1.8x covers the face centre.
  const std::vector<cv::Point2f> five = {{36, 40}, {60, 40}, {48, 52}, {40, 64}, {56, 64}};
  const cv::Mat r5 = face_region(five, {96, 96});
  EXPECT_EQ(r5.at<float>(52, 48), 1.0f);
  EXPECT_EQ(r5.at<float>(32, 48), 1.0f);   // above the eyes: the growth reaches the brows
  EXPECT_EQ(r5.at<float>(5, 5), 0.0f);
  AugmentSample s5 = face_sample(1);
  s5.landmarks = {five};
  EXPECT_NO_THROW(blended(s5, 7));
}

TEST(SelfBlend, ForgeActsWhateverP) {
  auto aug = make_aug("self_blend", {{"p", 0.0}});
  EXPECT_TRUE(aug->forges());
  AugmentSample s = face_sample(1);
  std::mt19937_64 rng(1);
  aug->apply(s, nullptr, rng);
  EXPECT_EQ(s.target, 0.0f);
  aug->forge(s, nullptr, rng);
  EXPECT_EQ(s.target, 1.0f);
  EXPECT_EQ(s.blend_masks.size(), 1u);
  EXPECT_FALSE(make_aug("hflip")->forges());
  EXPECT_THROW(make_aug("hflip")->forge(s, nullptr, rng), std::logic_error);
}

TEST(SelfBlend, BadParametersAreRejected) {
  EXPECT_THROW(make_aug("self_blend", {{"blend_ratios", std::vector<double>{}}}), std::invalid_argument);
  EXPECT_THROW(make_aug("self_blend", {{"hsv_shift", std::vector<double>{0.3}}}), std::invalid_argument);
  EXPECT_THROW(make_aug("self_blend", {{"scale", std::vector<double>{1.1, 0.9}}}), std::invalid_argument);
}

}  // namespace
}  // namespace dflab::test
