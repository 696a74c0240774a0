#include "modalities/augment/face_blend.h"

#include <gtest/gtest.h>

#include "tests/modalities/augment/blend_test_util.h"

namespace dflab::test {
namespace {

// The face of `s` moved by (dx, dy) pixels, landmarks with it.
AugmentSample shifted(const AugmentSample& s, float dx, float dy) {
  AugmentSample out = deep_copy(s);
  const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, dx, 0, 1, dy);
  for (auto& f : out.frames) {
    cv::Mat moved;
    cv::warpAffine(f, moved, m, f.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
    f = moved;
  }
  for (auto& pts : out.landmarks)
    for (auto& q : pts) q += cv::Point2f(dx, dy);
  return out;
}

AugmentSample blended(AugmentSample s, const AugmentSample* partner, std::uint64_t seed,
                      const std::map<std::string, ParamValue>& set) {
  std::mt19937_64 rng(seed);
  make_aug("face_blend", set)->apply(s, partner, rng);
  return s;
}

// Mean absolute difference of two frames where `mask` > 0.9.
double inner_diff(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  return cv::mean(d, mask > 0.9f)[0];
}

TEST(FaceBlend, AnotherFaceIsBlendedInsideTheHullAndTheTargetBecomesFake) {
  const AugmentSample target = face_sample(2, 96, 0.0f, 1), partner = face_sample(2, 96, 0.0f, 40);
  const AugmentSample s = blended(deep_copy(target), &partner, 3, {{"p", 1.0}});
  EXPECT_EQ(s.target, 1.0f);
  ASSERT_EQ(s.blend_masks.size(), 2u);
  const cv::Mat near = hull_region(face68(96, 96), {96, 96}, 10);
  for (std::size_t i = 0; i < 2; ++i) {
    const cv::Mat& m = s.blend_masks[i];
    EXPECT_EQ(cv::countNonZero((m > 0.0f) & ~near), 0) << "mask outside the hull region";
    EXPECT_GT(m.at<float>(48, 48), 0.9f);
    EXPECT_GT(cv::countNonZero((m > 0.05f) & (m < 0.95f)), 50) << "a blurred edge";
    cv::Mat diff;
    cv::absdiff(s.frames[i], target.frames[i], diff);
    EXPECT_EQ(cv::norm(diff, cv::NORM_INF, m == 0.0f), 0.0) << "changed outside the mask";
    EXPECT_GT(inner_diff(s.frames[i], target.frames[i], m), 5.0) << "the partner's face did not come in";
  }
}

TEST(FaceBlend, ThePartnerIsAlignedOnTheLandmarks) {
  // The partner is this very face moved by (7, -5): aligned back, the blend changes almost
  // nothing; without landmarks (no alignment) it is the moved face.
  const AugmentSample target = face_sample(1, 96, 0.0f, 5);
  const AugmentSample moved = shifted(target, 7.0f, -5.0f);
  const std::map<std::string, ParamValue> plain = {{"p", 1.0}, {"colour_correction", false}};
  const AugmentSample s = blended(deep_copy(target), &moved, 1, plain);
  EXPECT_LT(inner_diff(s.frames[0], target.frames[0], s.blend_masks[0]), 3.0);
  AugmentSample unmarked = deep_copy(moved);
  unmarked.landmarks.clear();
  const AugmentSample u = blended(deep_copy(target), &unmarked, 1, plain);
  EXPECT_GT(inner_diff(u.frames[0], target.frames[0], u.blend_masks[0]), 10.0);
}

TEST(FaceBlend, ColourCorrectionMatchesThePartnerToThisFace) {
  const AugmentSample target = face_sample(1, 96, 0.0f, 5);
  AugmentSample brighter = deep_copy(target);
  brighter.frames[0] = cv::Mat(target.frames[0] * 0.7 + cv::Scalar(30, 10, 60));
  const AugmentSample on = blended(deep_copy(target), &brighter, 2, {{"p", 1.0}});
  const AugmentSample off = blended(deep_copy(target), &brighter, 2, {{"p", 1.0}, {"colour_correction", false}});
  const double d_on = inner_diff(on.frames[0], target.frames[0], on.blend_masks[0]);
  const double d_off = inner_diff(off.frames[0], target.frames[0], off.blend_masks[0]);
  EXPECT_LT(d_on, 4.0);
  EXPECT_GT(d_off, 15.0);
}

TEST(FaceBlend, NeedsARealPartnerAndLeavesTheSampleWithoutOne) {
  auto aug = make_aug("face_blend", {{"p", 1.0}});
  EXPECT_EQ(aug->partner(), PartnerKind::real);
  EXPECT_TRUE(aug->forges());
  AugmentSample s = face_sample(1);
  const AugmentSample before = deep_copy(s);
  std::mt19937_64 rng(1);
  aug->apply(s, nullptr, rng);
  EXPECT_TRUE(same_sample(s, before));
  EXPECT_TRUE(s.blend_masks.empty());
  // Without landmarks on this face: the centre ellipse (blend_mask.h face_region), no throw.
  AugmentSample none = face_sample(1), partner = face_sample(1, 96, 0.0f, 9);
  none.landmarks.clear();
  aug->apply(none, &partner, rng);
  EXPECT_EQ(none.target, 1.0f);
  EXPECT_GT(none.blend_masks[0].at<float>(53, 48), 0.9f);
  EXPECT_EQ(none.blend_masks[0].at<float>(2, 2), 0.0f);
}

}  // namespace
}  // namespace dflab::test
