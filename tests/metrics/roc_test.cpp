#include "metrics/roc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "fixtures.h"

namespace dflab {
namespace {

using test::metric_fixtures;

TEST(Roc, CurveMatchesScikitLearnOnEveryTwoClassFixture) {
  int checked = 0;
  for (const auto& c : metric_fixtures().at("cases")) {
    if (c.at("roc").is_null()) continue;
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto labels = c.at("labels").get<std::vector<int>>();
    const auto scores = c.at("scores").get<std::vector<double>>();
    const RocCurve roc = roc_curve(labels, scores);
    const auto fpr = c.at("roc").at("fpr").get<std::vector<double>>();
    const auto tpr = c.at("roc").at("tpr").get<std::vector<double>>();
    const auto thr = c.at("roc").at("thresholds").get<std::vector<double>>();
    ASSERT_EQ(roc.size(), fpr.size());
    ASSERT_EQ(roc.tpr.size(), tpr.size());
    ASSERT_EQ(roc.thresholds.size(), thr.size());
    for (std::size_t k = 0; k < fpr.size(); ++k) {
      EXPECT_NEAR(roc.fpr[k], fpr[k], 1e-12) << k;
      EXPECT_NEAR(roc.tpr[k], tpr[k], 1e-12) << k;
      EXPECT_NEAR(roc.thresholds[k], thr[k], 1e-12) << k;
    }
    const double target = c.at("options").at("target_fpr");
    const TprAtFpr op = tpr_at_fpr(roc, target);
    EXPECT_NEAR(op.tpr, c.at("expected").at("tpr_at_fpr").get<double>(), 1e-12);
    EXPECT_NEAR(op.threshold, c.at("tpr_at_fpr_threshold").get<double>(), 1e-12);
    EXPECT_LE(op.fpr, target);
    EXPECT_NEAR(roc_auc(roc), c.at("expected").at("auc").get<double>(), 1e-9);
    const EerPoint e = equal_error_rate(roc);
    EXPECT_NEAR(e.eer, c.at("expected").at("eer").get<double>(), 1e-9);
    EXPECT_NEAR(e.threshold, c.at("expected").at("eer_threshold").get<double>(), 1e-12);
    ++checked;
  }
  EXPECT_EQ(checked, 14);
}

TEST(Roc, SmallCurveByHand) {
  // sklearn: roc_curve([0,1,1,0], [0.1,0.4,0.4,0.9], drop_intermediate=False)
  const RocCurve roc = roc_curve({0, 1, 1, 0}, {0.1, 0.4, 0.4, 0.9});
  EXPECT_EQ(roc.fpr, (std::vector<double>{0, 0.5, 0.5, 1}));
  EXPECT_EQ(roc.tpr, (std::vector<double>{0, 0, 1, 1}));
  EXPECT_EQ(roc.thresholds, (std::vector<double>{1.9, 0.9, 0.4, 0.1}));
  EXPECT_EQ(roc.fp, (std::vector<std::uint64_t>{0, 1, 1, 2}));
  EXPECT_DOUBLE_EQ(roc_auc(roc), 0.5);
  // FPR - FNR: -1, -0.5, 0.5 -> crossing half-way along the vertical segment at FPR 0.5.
  EXPECT_DOUBLE_EQ(equal_error_rate(roc).eer, 0.5);
  EXPECT_DOUBLE_EQ(equal_error_rate(roc).threshold, 0.4);
}

TEST(Roc, TiesCountOneHalf) {
  EXPECT_DOUBLE_EQ(roc_auc({0, 1}, {0.5, 0.5}), 0.5);
  EXPECT_DOUBLE_EQ(roc_auc({0, 1, 1}, {0.5, 0.5, 0.9}), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1}, {0.2, 0.7, 0.7}), 0.75);
}

TEST(Roc, AucEqualsPairCountingWithTies) {
  std::mt19937 gen(3);
  std::uniform_int_distribution<int> coarse(0, 12);   // heavy ties
  std::bernoulli_distribution fake(0.4);
  std::vector<int> labels;
  std::vector<double> scores;
  for (int i = 0; i < 400; ++i) {
    labels.push_back(fake(gen));
    scores.push_back(coarse(gen) / 12.0 + 0.1 * labels.back());
  }
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < labels.size(); ++i)
    for (std::size_t j = 0; j < labels.size(); ++j)
      if (labels[i] == 1 && labels[j] == 0) {
        pairs += 1;
        wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
      }
  EXPECT_NEAR(roc_auc(labels, scores), wins / pairs, 1e-12);
  // Invariant under a strictly increasing transform.
  std::vector<double> cubed;
  for (double s : scores) cubed.push_back(s * s * s - 4.0);
  EXPECT_DOUBLE_EQ(roc_auc(labels, cubed), roc_auc(labels, scores));
}

TEST(Roc, TprAtFprCountsAnFprEqualToTheTarget) {
  // 10 negatives: one false positive is FPR 0.1 exactly.
  std::vector<int> labels = {1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  std::vector<double> scores = {0.95, 0.9, 0.85, 0.8, 0.4, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.04, 0.01};
  const RocCurve roc = roc_curve(labels, scores);
  EXPECT_DOUBLE_EQ(tpr_at_fpr(roc, 0.1).tpr, 0.75);
  EXPECT_DOUBLE_EQ(tpr_at_fpr(roc, 0.1).threshold, 0.8);
  EXPECT_DOUBLE_EQ(tpr_at_fpr(roc, 0.0999).tpr, 0.25);
  EXPECT_DOUBLE_EQ(tpr_at_fpr(roc, 0.0).tpr, 0.25);
  EXPECT_DOUBLE_EQ(tpr_at_fpr(roc, 1.0).tpr, 1.0);
  EXPECT_THROW(tpr_at_fpr(roc, -0.1), std::invalid_argument);
  EXPECT_THROW(tpr_at_fpr(roc, std::nan("")), std::invalid_argument);
}

TEST(Roc, OneClassIsADomainErrorAndBadInputIsInvalid) {
  EXPECT_THROW(roc_curve({1, 1, 1}, {0.1, 0.2, 0.3}), std::domain_error);
  EXPECT_THROW(roc_auc({0, 0}, {0.1, 0.2}), std::domain_error);
  EXPECT_THROW(roc_curve({0, 1}, {0.1}), std::invalid_argument);
  EXPECT_THROW(roc_curve({}, {}), std::invalid_argument);
  EXPECT_THROW(roc_curve({0, 3}, {0.1, 0.2}), std::invalid_argument);
  EXPECT_THROW(roc_curve({0, 1}, {0.1, std::nan("")}), std::invalid_argument);
  EXPECT_THROW(roc_auc(RocCurve{}), std::domain_error);
  EXPECT_THROW(equal_error_rate(RocCurve{}), std::domain_error);
  EXPECT_THROW(roc_curve_sorted({0, 1}, {0.1, 0.2}, {0}), std::invalid_argument);
  // Scores need not be probabilities for the ROC (logits work).
  EXPECT_DOUBLE_EQ(roc_auc({0, 1, 0, 1}, {-3.0, 2.0, -1.0, 5.0}), 1.0);
}

TEST(Roc, OrderIsByDecreasingScoreAndStable) {
  EXPECT_EQ(order_by_decreasing_score({0.2, 0.9, 0.2, 0.5}), (std::vector<std::size_t>{1, 3, 0, 2}));
}

}  // namespace
}  // namespace dflab
