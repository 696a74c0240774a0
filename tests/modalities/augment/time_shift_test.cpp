#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

// The k in (-T/2, T/2] with out[:, t] == in[:, (t - k) mod T] for every t, or -999.
int circular_shift_of(const cv::Mat& in, const cv::Mat& out) {
  const int T = in.cols;
  for (int k = 0; k < T; ++k) {
    bool ok = true;
    for (int t = 0; t < T && ok; ++t) ok = same_mat(out.col(t), in.col(((t - k) % T + T) % T));
    if (ok) return k > T / 2 ? k - T : k;
  }
  return -999;
}

TEST(TimeShift, CircularMovesColumnsWithinTheMaximum) {
  auto aug = make_aug("time_shift", {{"p", 1.0}, {"max_shift", 0.2}});
  int moved = 0;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    AugmentSample s = audio_sample(10, 50);
    const AugmentSample before = deep_copy(s);
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    const int k = circular_shift_of(before.feature, s.feature);
    ASSERT_NE(k, -999) << seed;
    EXPECT_LE(std::abs(k), 10);
    moved += k != 0;
  }
  EXPECT_GE(moved, 8);
}

TEST(TimeShift, PadFillsTheVacatedColumnsWithTheMinimum) {
  auto aug = make_aug("time_shift", {{"p", 1.0}, {"max_shift", 0.5}, {"mode", std::string("pad")}});
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    AugmentSample s = audio_sample(6, 20);
    const AugmentSample before = deep_copy(s);
    double lo;
    cv::minMaxLoc(before.feature, &lo);
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    // Find k from the first column that is not padding.
    int k = 0;
    for (int cand = -10; cand <= 10; ++cand) {
      bool ok = true;
      for (int t = 0; t < 20 && ok; ++t) {
        const int src = t - cand;
        ok = (src < 0 || src >= 20) ? cv::countNonZero(s.feature.col(t) != static_cast<float>(lo)) == 0
                                    : same_mat(s.feature.col(t), before.feature.col(src));
      }
      if (ok) {
        k = cand;
        break;
      }
      ASSERT_LT(cand, 10) << "no shift explains the output, seed " << seed;
    }
    EXPECT_LE(std::abs(k), 10);
  }
}

}  // namespace
}  // namespace dflab::test
