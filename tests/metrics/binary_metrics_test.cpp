#include "metrics/binary_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "fixtures.h"
#include "metrics/binary_input.h"

namespace dflab {
namespace {

using test::fixture_case;
using test::metric_fixtures;

EvaluateOptions options_of(const nlohmann::json& c) {
  const auto& o = c.at("options");
  EvaluateOptions opt;
  opt.threshold = o.at("threshold");
  opt.logloss_eps = o.at("logloss_eps");
  opt.dfdc_clip = o.at("dfdc_clip");
  opt.target_fpr = o.at("target_fpr");
  opt.bootstrap_samples = 0;
  return opt;
}

TEST(BinaryMetrics, FixturesCoverEveryCase) {
  // Guards against a fixture file that silently lost cases (the loops below would pass on none).
  EXPECT_EQ(metric_fixtures().at("cases").size(), 16u);
}

TEST(BinaryMetrics, MatchesScikitLearnOnEveryFixture) {
  for (const auto& c : metric_fixtures().at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto labels = c.at("labels").get<std::vector<int>>();
    const auto scores = c.at("scores").get<std::vector<double>>();
    const BinaryReport r = evaluate(labels, scores, options_of(c));
    EXPECT_EQ(r.n, labels.size());
    const auto& expected = c.at("expected");
    // Every expected metric (all but the bootstrap ones) is checked.
    EXPECT_EQ(expected.size(), binary_metric_names().size() - 4);
    for (const auto& [name, value] : expected.items()) {
      SCOPED_TRACE(name);
      const MetricResult* m = r.find(name);
      ASSERT_NE(m, nullptr);
      if (value.is_null()) {
        EXPECT_FALSE(m->value.has_value()) << "got " << *m->value;
        EXPECT_FALSE(m->note.empty());
        EXPECT_EQ(m->note.rfind("undefined", 0), 0u) << m->note;
      } else {
        ASSERT_TRUE(m->value.has_value()) << m->note;
        EXPECT_NEAR(*m->value, value.get<double>(), 1e-9);
      }
    }
  }
}

TEST(BinaryMetrics, MetricsComeInTheDocumentedOrder) {
  const BinaryReport r = evaluate({0, 1, 0, 1}, {0.1, 0.8, 0.4, 0.3});
  const std::vector<std::string> expected = {
      "logloss", "auc", "tpr_at_fpr", "tpr", "fpr", "precision", "recall", "f1", "accuracy",
      "eer", "eer_threshold", "tp", "fp", "tn", "fn",
      "auc_ci_low", "auc_ci_high", "logloss_ci_low", "logloss_ci_high"};
  ASSERT_EQ(r.metrics.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(r.metrics[i].name, expected[i]);
  EXPECT_EQ(binary_metric_names(), expected);
  EXPECT_EQ(r.find("no_such_metric"), nullptr);
  EXPECT_FALSE(r.value("no_such_metric").has_value());
}

TEST(BinaryMetrics, OneClassOnlyIsUndefinedNotNaN) {
  for (int cls : {0, 1}) {
    SCOPED_TRACE(cls);
    const std::vector<int> labels(30, cls);
    std::vector<double> scores;
    for (int i = 0; i < 30; ++i) scores.push_back((i + 0.5) / 30.0);
    const BinaryReport r = evaluate(labels, scores);   // bootstrap on (1000 resamples)
    for (const char* name : {"auc", "tpr_at_fpr", "eer", "eer_threshold", "auc_ci_low", "auc_ci_high"}) {
      SCOPED_TRACE(name);
      ASSERT_NE(r.find(name), nullptr);
      EXPECT_FALSE(r.value(name).has_value());
      EXPECT_EQ(r.find(name)->note, "undefined: only one class present");
    }
    EXPECT_EQ(r.find(cls == 0 ? "tpr" : "fpr")->note, "undefined: only one class present");
    EXPECT_FALSE(r.value(cls == 0 ? "tpr" : "fpr").has_value());
    ASSERT_TRUE(r.value("logloss").has_value());
    ASSERT_TRUE(r.value("logloss_ci_low").has_value());
    EXPECT_LE(*r.value("logloss_ci_low"), *r.value("logloss"));
    EXPECT_GE(*r.value("logloss_ci_high"), *r.value("logloss"));
    for (const auto& m : r.metrics) {
      if (m.value) {
        EXPECT_TRUE(std::isfinite(*m.value)) << m.name;
      }
    }
  }
}

TEST(BinaryMetrics, PrecisionWithoutPredictedPositivesSaysWhatScikitLearnDoes) {
  const auto& c = fixture_case("all_equal_below_threshold");
  EXPECT_EQ(c.at("sklearn_precision_zero_division_0").get<double>(), 0.0);
  const BinaryReport r = evaluate(c.at("labels").get<std::vector<int>>(),
                                  c.at("scores").get<std::vector<double>>(), options_of(c));
  EXPECT_FALSE(r.value("precision").has_value());
  EXPECT_NE(r.find("precision")->note.find("scikit-learn returns 0"), std::string::npos);
  EXPECT_EQ(r.value("f1"), 0.0);   // positives exist but none found: 0, as sklearn
}

TEST(BinaryMetrics, BootstrapDisabledLeavesIntervalsUndefined) {
  EvaluateOptions opt;
  opt.bootstrap_samples = 0;
  const BinaryReport r = evaluate({0, 1, 0, 1}, {0.1, 0.8, 0.4, 0.3}, opt);
  for (const char* name : {"auc_ci_low", "auc_ci_high", "logloss_ci_low", "logloss_ci_high"}) {
    EXPECT_FALSE(r.value(name).has_value());
    EXPECT_NE(r.find(name)->note.find("bootstrap disabled"), std::string::npos);
  }
}

TEST(BinaryMetrics, IntervalsBracketThePointEstimates) {
  std::mt19937 gen(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<int> labels;
  std::vector<double> scores;
  for (int i = 0; i < 3000; ++i) {
    const int y = i % 3 == 0;
    labels.push_back(y);
    scores.push_back(1.0 / (1.0 + std::exp(-(1.5 * (2 * y - 1) + noise(gen)))));
  }
  const BinaryReport r = evaluate(labels, scores);
  EXPECT_LT(*r.value("auc_ci_low"), *r.value("auc"));
  EXPECT_GT(*r.value("auc_ci_high"), *r.value("auc"));
  EXPECT_LT(*r.value("logloss_ci_low"), *r.value("logloss"));
  EXPECT_GT(*r.value("logloss_ci_high"), *r.value("logloss"));
  EXPECT_EQ(r.n_positive, 1000u);
  EXPECT_EQ(r.n_negative, 2000u);
}

TEST(BinaryMetrics, DfdcClipChangesOnlyLogloss) {
  const std::vector<int> labels = {1, 0, 1, 0};
  const std::vector<double> scores = {0.0, 0.0, 1.0, 1.0};
  EvaluateOptions plain, dfdc;
  plain.bootstrap_samples = dfdc.bootstrap_samples = 0;
  dfdc.dfdc_clip = true;
  const BinaryReport a = evaluate(labels, scores, plain), b = evaluate(labels, scores, dfdc);
  // Clipped to [1e-15, 1 - 1e-15]; 1 - (1 - 1e-15) is not exactly 1e-15 in binary, as in sklearn.
  const double lo = 1e-15, hi = 1.0 - 1e-15;
  EXPECT_NEAR(*a.value("logloss"),
              -(std::log(lo) + std::log(1.0 - lo) + std::log(hi) + std::log(1.0 - hi)) / 4, 1e-12);
  EXPECT_NEAR(*b.value("logloss"),
              -(std::log(0.01) + std::log(0.99) + std::log(0.99) + std::log(1.0 - 0.99)) / 4, 1e-12);
  EXPECT_EQ(a.value("auc"), b.value("auc"));
  EXPECT_NE(a.find("logloss")->note.find("1e-15"), std::string::npos);
  EXPECT_NE(b.find("logloss")->note.find("[0.01, 0.99]"), std::string::npos);
}

TEST(BinaryMetrics, RejectsBadInput) {
  const std::vector<int> l = {0, 1, 0};
  const std::vector<double> s = {0.1, 0.9, 0.2};
  EXPECT_THROW(evaluate({0, 1}, s), std::invalid_argument);                   // size mismatch
  EXPECT_THROW(evaluate({}, {}), std::invalid_argument);                      // empty
  EXPECT_THROW(evaluate({0, 2, 0}, s), std::invalid_argument);                // label 2
  EXPECT_THROW(evaluate({0, -1, 0}, s), std::invalid_argument);               // label -1
  EXPECT_THROW(evaluate(l, {0.1, std::nan(""), 0.2}), std::invalid_argument);
  EXPECT_THROW(evaluate(l, {0.1, std::numeric_limits<double>::infinity(), 0.2}),
               std::invalid_argument);
  EXPECT_THROW(evaluate(l, {0.1, 1.5, 0.2}), std::invalid_argument);          // not a probability
  EXPECT_THROW(evaluate(l, {-0.1, 0.5, 0.2}), std::invalid_argument);
  try {
    evaluate({0, 1, 7}, s);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("index 2"), std::string::npos) << e.what();
  }
  auto with = [](auto change) {
    EvaluateOptions o;
    change(o);
    return o;
  };
  EXPECT_THROW(evaluate(l, s, with([](EvaluateOptions& o) { o.logloss_eps = 0; })), std::invalid_argument);
  EXPECT_THROW(evaluate(l, s, with([](EvaluateOptions& o) { o.logloss_eps = 0.5; })), std::invalid_argument);
  EXPECT_THROW(evaluate(l, s, with([](EvaluateOptions& o) { o.target_fpr = 1.5; })), std::invalid_argument);
  EXPECT_THROW(evaluate(l, s, with([](EvaluateOptions& o) { o.ci_level = 1.0; })), std::invalid_argument);
  EXPECT_THROW(evaluate(l, s, with([](EvaluateOptions& o) { o.bootstrap_samples = -1; })), std::invalid_argument);
  EXPECT_THROW(evaluate(l, s, with([](EvaluateOptions& o) { o.threshold = std::nan(""); })), std::invalid_argument);
}

TEST(BinaryMetrics, ToJsonWritesValuesNullsNotesAndOptions) {
  EvaluateOptions opt;
  opt.bootstrap_samples = 50;
  opt.dfdc_clip = true;
  const BinaryReport r = evaluate({0, 0, 0}, {0.1, 0.7, 0.2}, opt);
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j.at("n"), 3);
  EXPECT_EQ(j.at("n_positive"), 0);
  EXPECT_EQ(j.at("n_negative"), 3);
  EXPECT_EQ(j.at("options").at("dfdc_clip"), true);
  EXPECT_EQ(j.at("options").at("logloss_eps"), 1e-15);
  EXPECT_EQ(j.at("options").at("bootstrap_samples"), 50);
  EXPECT_EQ(j.at("options").at("seed"), 42);
  EXPECT_TRUE(j.at("metrics").at("auc").is_null());
  EXPECT_EQ(j.at("notes").at("auc"), "undefined: only one class present");
  EXPECT_DOUBLE_EQ(j.at("metrics").at("logloss").get<double>(), *r.value("logloss"));
  EXPECT_DOUBLE_EQ(j.at("metrics").at("fp").get<double>(), 1.0);
  EXPECT_EQ(j.at("metric_order").size(), r.metrics.size());
  EXPECT_EQ(j.at("metric_order")[0], "logloss");
  EXPECT_FALSE(j.at("notes").contains("fp"));
  // Valid JSON text (no NaN/inf tokens) round-trips.
  EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
}

}  // namespace
}  // namespace dflab
