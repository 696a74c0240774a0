#include <algorithm>

#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

// Rows (or columns) whose every cell equals `v`.
std::vector<int> filled_lines(const cv::Mat& m, float v, bool rows) {
  std::vector<int> out;
  for (int i = 0; i < (rows ? m.rows : m.cols); ++i)
    if (cv::countNonZero((rows ? m.row(i) : m.col(i)) != v) == 0) out.push_back(i);
  return out;
}

TEST(SpecAugment, OneFrequencyMaskOfExactWidthFilledWithTheMean) {
  auto aug = make_aug("spec_augment", {{"p", 1.0},
                                       {"freq_masks", std::int64_t{1}},
                                       {"freq_width_min", std::int64_t{5}},
                                       {"freq_width_max", std::int64_t{5}},
                                       {"time_masks", std::int64_t{0}}});
  AugmentSample s = audio_sample(40, 50);
  const AugmentSample before = deep_copy(s);
  const float mean = static_cast<float>(cv::mean(before.feature)[0]);
  std::mt19937_64 rng(3);
  aug->apply(s, nullptr, rng);
  const std::vector<int> rows = filled_lines(s.feature, mean, true);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows.back() - rows.front(), 4);   // consecutive
  for (int r = 0; r < 40; ++r) {
    if (r < rows.front() || r > rows.back()) {
      EXPECT_TRUE(same_mat(s.feature.row(r), before.feature.row(r)));
    }
  }
}

TEST(SpecAugment, MaskCountsAndWidthsStayWithinBounds) {
  auto aug = make_aug("spec_augment", {{"p", 1.0},
                                       {"freq_masks", std::int64_t{2}},
                                       {"freq_width_max", std::int64_t{6}},
                                       {"time_masks", std::int64_t{3}},
                                       {"time_width_max", std::int64_t{8}}});
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    AugmentSample s = audio_sample(40, 100);
    const AugmentSample before = deep_copy(s);
    const float mean = static_cast<float>(cv::mean(before.feature)[0]);
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    const std::vector<int> rows = filled_lines(s.feature, mean, true), cols = filled_lines(s.feature, mean, false);
    EXPECT_LE(rows.size(), 2u * 6u) << seed;
    EXPECT_LE(cols.size(), 3u * 8u) << seed;
    // Every changed cell lies in a masked row or column.
    for (int r = 0; r < 40; ++r)
      for (int c = 0; c < 100; ++c)
        if (s.feature.at<float>(r, c) != before.feature.at<float>(r, c)) {
          const bool in_row = std::find(rows.begin(), rows.end(), r) != rows.end();
          const bool in_col = std::find(cols.begin(), cols.end(), c) != cols.end();
          ASSERT_TRUE(in_row || in_col) << seed << " cell " << r << "," << c;
        }
  }
}

}  // namespace
}  // namespace dflab::test
