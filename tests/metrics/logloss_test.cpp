#include "metrics/logloss.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fixtures.h"

namespace dflab {
namespace {

TEST(LogLoss, MatchesScikitLearnFixtures) {
  for (const auto& c : test::metric_fixtures().at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const LogLossOptions opt{c.at("options").at("logloss_eps"), c.at("options").at("dfdc_clip")};
    EXPECT_NEAR(log_loss(c.at("labels").get<std::vector<int>>(),
                         c.at("scores").get<std::vector<double>>(), opt),
                c.at("expected").at("logloss").get<double>(), 1e-9);
  }
}

TEST(LogLoss, ClipsAsDocumented) {
  EXPECT_DOUBLE_EQ(clip_probability(0.0, {}), 1e-15);
  EXPECT_DOUBLE_EQ(clip_probability(1.0, {}), 1.0 - 1e-15);
  EXPECT_DOUBLE_EQ(clip_probability(0.3, {}), 0.3);
  EXPECT_DOUBLE_EQ(clip_probability(0.001, {1e-15, true}), 0.01);
  EXPECT_DOUBLE_EQ(clip_probability(0.999, {1e-15, true}), 0.99);
  EXPECT_DOUBLE_EQ(sample_log_loss(1, 0.0, {}), -std::log(1e-15));
  EXPECT_DOUBLE_EQ(sample_log_loss(0, 0.25, {}), -std::log(0.75));
  // One class is fine for logloss.
  EXPECT_DOUBLE_EQ(log_loss({1, 1}, {0.5, 0.5}), std::log(2.0));
}

TEST(LogLoss, RejectsBadInput) {
  EXPECT_THROW(log_loss({0, 1}, {0.5, 1.01}), std::invalid_argument);
  EXPECT_THROW(log_loss({0, 1}, {0.5}), std::invalid_argument);
  EXPECT_THROW(log_loss({0, 1}, {0.5, 0.5}, {0.0, false}), std::invalid_argument);
  EXPECT_THROW(log_loss({0, 1}, {0.5, 0.5}, {0.7, false}), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
