#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

double psnr_at_quality(int q) {
  AugmentSample s = video_sample(1, 96, 96);
  const AugmentSample before = deep_copy(s);
  std::mt19937_64 rng(1);
  make_aug("jpeg", {{"p", 1.0}, {"quality_min", std::int64_t{q}}, {"quality_max", std::int64_t{q}}})
      ->apply(s, nullptr, rng);
  EXPECT_FALSE(same_mat(s.frames[0], before.frames[0])) << q;
  EXPECT_EQ(s.frames[0].size(), before.frames[0].size());
  return psnr(s.frames[0], before.frames[0]);
}

TEST(Jpeg, ChangesPixelsWithPsnrFallingWithQuality) {
  const double q95 = psnr_at_quality(95), q50 = psnr_at_quality(50), q10 = psnr_at_quality(10);
  EXPECT_GT(q95, 35.0);
  EXPECT_LT(q95, 60.0);
  EXPECT_GT(q50, 28.0);
  EXPECT_GT(q10, 20.0);
  EXPECT_GT(q95, q50 + 2.0);
  EXPECT_GT(q50, q10 + 2.0);
}

}  // namespace
}  // namespace dflab::test
