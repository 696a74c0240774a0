#include "metrics/confusion.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dflab {
namespace {

TEST(Confusion, CountsWithScoreAtThresholdPredictedFake) {
  const Confusion c = confusion_at({1, 1, 0, 0, 1, 0}, {0.5, 0.2, 0.5, 0.1, 0.9, 0.49}, 0.5);
  EXPECT_EQ(c.tp, 2u);
  EXPECT_EQ(c.fn, 1u);
  EXPECT_EQ(c.fp, 1u);
  EXPECT_EQ(c.tn, 2u);
  EXPECT_DOUBLE_EQ(*c.tpr(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*c.fpr(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(*c.precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*c.f1(), 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(*c.accuracy(), 4.0 / 6.0);
}

TEST(Confusion, ZeroDenominatorsAreNullopt) {
  const Confusion none_predicted = confusion_at({0, 0}, {0.1, 0.2}, 0.5);
  EXPECT_FALSE(none_predicted.precision().has_value());
  EXPECT_FALSE(none_predicted.tpr().has_value());
  EXPECT_FALSE(none_predicted.f1().has_value());     // 0/0: no fakes, none predicted
  EXPECT_DOUBLE_EQ(*none_predicted.accuracy(), 1.0);
  EXPECT_FALSE(Confusion{}.accuracy().has_value());
  const Confusion missed = confusion_at({1, 0}, {0.1, 0.2}, 0.5);
  EXPECT_FALSE(missed.precision().has_value());
  EXPECT_DOUBLE_EQ(*missed.f1(), 0.0);
  EXPECT_THROW(confusion_at({0}, {0.1}, std::nan("")), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
