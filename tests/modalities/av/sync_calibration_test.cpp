// The sync score's features and calibration (modalities/av/sync_calibration.h): features read off
// a curve by hand, a fit that separates in-sync from shifted voices and is calibrated (a logistic
// regression with an intercept predicts, over its training videos, as many fakes as there are),
// and the stored form's round trip and errors.
#include <cmath>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

#include "modalities/av/sync_calibration.h"

namespace dflab {
namespace {

SyncCurve curve(std::vector<int> offsets, std::vector<double> logit) {
  SyncCurve c;
  c.offsets = std::move(offsets);
  c.logit = std::move(logit);
  c.stacks.assign(c.offsets.size(), 10);
  c.frame_interval_s = 0.04;
  settle_sync_curve(c);
  return c;
}

// A video whose voice fits best `shift` frames away, with a dip of `depth` below a flat curve.
SyncCurve shifted(int shift, double depth, std::mt19937& rng) {
  std::normal_distribution<double> noise(0.0, 0.1);
  std::vector<int> offsets;
  std::vector<double> logit;
  for (int d = -5; d <= 5; ++d) {
    offsets.push_back(d);
    logit.push_back(1.0 - depth * std::exp(-0.5 * (d - shift) * (d - shift)) + noise(rng));
  }
  return curve(offsets, logit);
}

TEST(SyncCalibration, FeaturesAreReadOffTheCurve) {
  // min -1 at d = 1; median of {1, 0.5, 0.8, -1, 2} is 0.8; at d = 0: 0.8.
  const SyncCurve c = curve({-2, -1, 0, 1, 2}, {1.0, 0.5, 0.8, -1.0, 2.0});
  ASSERT_EQ(c.offset_frames, 1);
  const std::vector<double> f = sync_features(c);
  ASSERT_EQ(f.size(), kSyncFeatureNames.size());
  EXPECT_DOUBLE_EQ(f[0], 0.5);   // |1| / 2
  EXPECT_DOUBLE_EQ(f[1], 1.8);   // confidence: 0.8 - (-1)
  EXPECT_DOUBLE_EQ(f[2], 1.8);   // logit(0) - min
  EXPECT_DOUBLE_EQ(f[3], 0.8);   // logit(0)
  const double nan = std::nan("");
  EXPECT_THROW(sync_features(curve({-1, 0, 1}, {0.0, nan, 1.0})), std::invalid_argument);
  EXPECT_THROW(sync_features(curve({1, 2}, {0.0, 1.0})), std::invalid_argument);
}

// A wider search narrowed is the narrower search: offset and confidence read again over its range.
TEST(SyncCalibration, ANarrowedCurveIsTheNarrowerSearch) {
  const SyncCurve wide = curve({-3, -2, -1, 0, 1, 2, 3}, {0.9, 0.4, 0.6, 0.5, 0.7, 0.8, -2.0});
  ASSERT_EQ(wide.offset_frames, 3);
  const SyncCurve narrow = narrow_sync_curve(wide, 2);
  EXPECT_EQ(narrow.offsets, (std::vector<int>{-2, -1, 0, 1, 2}));
  EXPECT_EQ(narrow.offset_frames, -2);
  EXPECT_DOUBLE_EQ(narrow.confidence, 0.6 - 0.4);
  EXPECT_DOUBLE_EQ(narrow.offset_ms, -80.0);
  EXPECT_THROW(narrow_sync_curve(wide, 4), std::invalid_argument);
}

TEST(SyncCalibration, SeparatesShiftedVoicesAndIsCalibrated) {
  std::mt19937 rng(7);
  std::vector<SyncCurve> curves;
  std::vector<int> labels;
  for (int k = 0; k < 30; ++k) {
    const bool fake = k % 2;
    // Reals: in sync, or a frame off; fakes: 2-5 frames off, or no clear dip at all.
    const int shift = fake ? (k % 3 == 0 ? 0 : 2 + k % 4) : (k % 5 == 0 ? 1 : 0);
    const double depth = fake && k % 3 == 0 ? 0.2 : 1.5;
    curves.push_back(shifted(shift, depth, rng));
    labels.push_back(fake);
  }
  const SyncCalibration cal = SyncCalibration::fit(curves, labels);
  EXPECT_EQ(cal.max_offset, 5);
  double sum = 0.0;
  int ordered = 0, pairs = 0;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const double p = cal.score(curves[i]);
    EXPECT_GT(p, 0.0);
    EXPECT_LT(p, 1.0);
    sum += p;
    for (std::size_t j = 0; j < curves.size(); ++j)
      if (labels[i] == 1 && labels[j] == 0) {
        ++pairs;
        ordered += p > cal.score(curves[j]);
      }
  }
  EXPECT_NEAR(sum, 15.0, 1e-6);          // the intercept's optimality: mean P(fake) = share of fakes
  EXPECT_GE(ordered, pairs * 9 / 10);    // AUC >= 0.9 on what it was fitted on
  // New videos: a clean in-sync voice scores low, a voice 4 frames late high.
  EXPECT_LT(cal.score(shifted(0, 1.5, rng)), 0.3);
  EXPECT_GT(cal.score(shifted(4, 1.5, rng)), 0.7);
}

TEST(SyncCalibration, RefusesWhatItCannotFit) {
  std::mt19937 rng(1);
  EXPECT_THROW(SyncCalibration::fit({}, {}), std::invalid_argument);
  EXPECT_THROW(SyncCalibration::fit({shifted(0, 1, rng), shifted(3, 1, rng)}, {0, 0}), std::invalid_argument);
  SyncCurve wide = curve({-6, 0, 6}, {1.0, 0.0, 1.0});
  EXPECT_THROW(SyncCalibration::fit({shifted(0, 1, rng), wide}, {0, 1}), std::invalid_argument);
  const SyncCalibration cal = SyncCalibration::fit({shifted(0, 1, rng), shifted(3, 1, rng)}, {0, 1});
  EXPECT_THROW(cal.score(wide), std::invalid_argument) << "scored with another search range than fitted";
}

TEST(SyncCalibration, StoredFormRoundTripsAndRejectsDamage) {
  std::mt19937 rng(3);
  const SyncCalibration cal = SyncCalibration::fit({shifted(0, 1, rng), shifted(3, 1, rng), shifted(0, 1.2, rng)}, {0, 1, 0});
  const SyncCalibration back = SyncCalibration::from_json(cal.to_json());
  EXPECT_EQ(back.coef, cal.coef);
  EXPECT_EQ(back.intercept, cal.intercept);
  EXPECT_EQ(back.max_offset, cal.max_offset);
  for (const char* bad : {"", "{", "[]", R"({"coef": [1, 2, 3, 4], "intercept": 0, "max_offset": 5})",
                          R"({"features": ["a"], "coef": [1], "intercept": 0, "max_offset": 5})",
                          R"({"features": ["abs_offset_fraction", "confidence", "gap_at_recorded", "logit_at_recorded"],
                              "coef": [1, 2], "intercept": 0, "max_offset": 5})",
                          R"({"features": ["abs_offset_fraction", "confidence", "gap_at_recorded", "logit_at_recorded"],
                              "coef": [1, 2, 3, "x"], "intercept": 0, "max_offset": 5})"})
    EXPECT_THROW(SyncCalibration::from_json(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace dflab
