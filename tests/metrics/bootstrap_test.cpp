#include "metrics/bootstrap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "fixtures.h"
#include "metrics/logloss.h"
#include "metrics/roc.h"

namespace dflab {
namespace {

struct Data {
  std::vector<int> labels;
  std::vector<double> scores;
};

// Overlapping classes (AUC about 0.77), a third fake; `round` > 0 rounds scores to make ties.
Data make_data(int n, unsigned seed, double round = 0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  Data d;
  for (int i = 0; i < n; ++i) {
    const int y = i % 3 == 0;
    double s = 1.0 / (1.0 + std::exp(-(0.75 * (2 * y - 1) + noise(gen))));
    if (round > 0) s = std::round(s / round) * round;
    d.labels.push_back(y);
    d.scores.push_back(s);
  }
  return d;
}

TEST(Bootstrap, XoshiroMatchesTheReferenceStream) {
  const auto& ref = test::metric_fixtures().at("xoshiro256");
  Xoshiro256 rng(ref.at("seed").get<std::uint64_t>());
  for (const auto& v : ref.at("next"))
    EXPECT_EQ(rng.next(), std::stoull(v.get<std::string>()));
  const std::uint64_t bound = ref.at("bound");
  for (const auto& v : ref.at("below")) EXPECT_EQ(rng.below(bound), v.get<std::uint64_t>());
}

// The resampling stream itself, drawn independently in make_fixtures.py: which samples each
// resample takes, stratified and plain, odd pool sizes included (the lone last draw).
TEST(Bootstrap, SamplerDrawsTheReferenceResamples) {
  for (const auto& ref : test::metric_fixtures().at("bootstrap_samplers")) {
    const auto labels = ref.at("labels").get<std::vector<int>>();
    SCOPED_TRACE(ref.at("seed").get<std::uint64_t>());
    BootstrapSampler sampler(labels, ref.at("stratified").get<bool>(), ref.at("seed").get<std::uint64_t>());
    for (const auto& want : ref.at("counts")) EXPECT_EQ(sampler.next(), want.get<std::vector<std::uint32_t>>());
  }
  const auto& blocks = test::metric_fixtures().at("bootstrap_block_seeds");
  const auto seeds = blocks.at("seeds").get<std::vector<std::string>>();
  ASSERT_EQ(seeds.size(), static_cast<std::size_t>(kBootstrapBlocks));
  for (int b = 0; b < kBootstrapBlocks; ++b)
    EXPECT_EQ(bootstrap_block_seed(blocks.at("seed").get<std::uint64_t>(), b), std::stoull(seeds[b]));
}

TEST(Bootstrap, BoundedDrawsStayInRangeAndCoverIt) {
  Xoshiro256 rng(1);
  std::vector<int> hist(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto v = rng.below(7);
    ASSERT_LT(v, 7u);
    ++hist[v];
  }
  for (int h : hist) EXPECT_NEAR(h, 10000, 500);
  EXPECT_EQ(rng.below(1), 0u);
}

TEST(Bootstrap, StratifiedResamplesKeepClassCounts) {
  const Data d = make_data(300, 1);
  BootstrapSampler strat(d.labels, true, 5), plain(d.labels, false, 5);
  bool plain_changed_counts = false;
  for (int b = 0; b < 20; ++b) {
    const auto& c = strat.next();
    std::uint64_t pos = 0, neg = 0;
    for (std::size_t i = 0; i < c.size(); ++i) (d.labels[i] ? pos : neg) += c[i];
    EXPECT_EQ(pos, 100u);
    EXPECT_EQ(neg, 200u);
    const auto& p = plain.next();
    std::uint64_t ppos = 0, total = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      total += p[i];
      if (d.labels[i]) ppos += p[i];
    }
    EXPECT_EQ(total, 300u);
    plain_changed_counts |= ppos != 100u;
  }
  EXPECT_TRUE(plain_changed_counts);
}

TEST(Bootstrap, SameSeedSameIntervalOtherSeedOther) {
  const Data d = make_data(500, 2);
  BootstrapOptions opt;
  const auto a = bootstrap_auc_logloss(d.labels, d.scores, {}, opt);
  const auto b = bootstrap_auc_logloss(d.labels, d.scores, {}, opt);
  ASSERT_TRUE(a.auc.interval && a.logloss.interval);
  EXPECT_EQ(a.auc.interval->low, b.auc.interval->low);
  EXPECT_EQ(a.auc.interval->high, b.auc.interval->high);
  EXPECT_EQ(a.logloss.interval->low, b.logloss.interval->low);
  EXPECT_EQ(a.logloss.interval->high, b.logloss.interval->high);
  opt.seed = 43;
  const auto c = bootstrap_auc_logloss(d.labels, d.scores, {}, opt);
  EXPECT_NE(a.auc.interval->low, c.auc.interval->low);
  EXPECT_EQ(a.auc.n_valid, 1000);
  EXPECT_TRUE(a.auc.note.empty());
}

TEST(Bootstrap, IntervalContainsThePointEstimate) {
  const Data d = make_data(2000, 3);
  const auto ci = bootstrap_auc_logloss(d.labels, d.scores, {}, {});
  const double auc = roc_auc(d.labels, d.scores), ll = log_loss(d.labels, d.scores);
  EXPECT_LT(ci.auc.interval->low, auc);
  EXPECT_GT(ci.auc.interval->high, auc);
  EXPECT_LT(ci.logloss.interval->low, ll);
  EXPECT_GT(ci.logloss.interval->high, ll);
  // A 95 % interval of an AUC near 0.77 on 2000 samples is a few hundredths wide, not 0 or 1.
  EXPECT_GT(ci.auc.interval->high - ci.auc.interval->low, 0.01);
  EXPECT_LT(ci.auc.interval->high - ci.auc.interval->low, 0.1);
}

TEST(Bootstrap, IntervalShrinksWithMoreSamples) {
  double previous_auc = 1.0, previous_ll = 1e9;
  for (int n : {150, 1500, 15000}) {
    SCOPED_TRACE(n);
    const Data d = make_data(n, 4);
    const auto ci = bootstrap_auc_logloss(d.labels, d.scores, {}, {});
    const double w_auc = ci.auc.interval->high - ci.auc.interval->low;
    const double w_ll = ci.logloss.interval->high - ci.logloss.interval->low;
    // Width ~ 1/sqrt(n): ten times the data, about a third of the width.
    EXPECT_LT(w_auc, 0.5 * previous_auc);
    EXPECT_LT(w_ll, 0.5 * previous_ll);
    previous_auc = w_auc;
    previous_ll = w_ll;
  }
}

TEST(Bootstrap, FastPathEqualsGenericBootstrap) {
  const Data d = make_data(240, 5, /*round=*/0.05);   // with ties
  for (bool stratified : {true, false}) {
    SCOPED_TRACE(stratified);
    const BootstrapOptions opt{200, 0.9, 11, stratified};
    const LogLossOptions ll{1e-15, true};
    const auto fast = bootstrap_auc_logloss(d.labels, d.scores, ll, opt);
    const auto auc = bootstrap_ci(
        d.labels, d.scores,
        [](const std::vector<int>& l, const std::vector<double>& s) -> std::optional<double> {
          return roc_auc(l, s);
        },
        opt);
    const auto logloss = bootstrap_ci(
        d.labels, d.scores,
        [&](const std::vector<int>& l, const std::vector<double>& s) -> std::optional<double> {
          return log_loss(l, s, ll);
        },
        opt);
    EXPECT_EQ(fast.auc.interval->low, auc.interval->low);
    EXPECT_EQ(fast.auc.interval->high, auc.interval->high);
    EXPECT_NEAR(fast.logloss.interval->low, logloss.interval->low, 1e-12);
    EXPECT_NEAR(fast.logloss.interval->high, logloss.interval->high, 1e-12);
  }
}

// Big enough (n x B >= 2e6) that the fast path draws its blocks on several threads: it must still
// equal the serial generic bootstrap, resample for resample.
TEST(Bootstrap, ThreadedFastPathEqualsGenericBootstrap) {
  const Data d = make_data(2500, 9, /*round=*/0.01);
  const BootstrapOptions opt{1000, 0.95, 3, true};
  const LogLossOptions ll{1e-15, true};
  const auto fast = bootstrap_auc_logloss(d.labels, d.scores, ll, opt);
  const auto auc = bootstrap_ci(
      d.labels, d.scores,
      [](const std::vector<int>& l, const std::vector<double>& s) -> std::optional<double> { return roc_auc(l, s); },
      opt);
  ASSERT_TRUE(fast.auc.interval && auc.interval);
  EXPECT_EQ(fast.auc.interval->low, auc.interval->low);
  EXPECT_EQ(fast.auc.interval->high, auc.interval->high);
  EXPECT_EQ(fast.auc.n_valid, 1000);
}

TEST(Bootstrap, BlocksDrawFromDifferentStreams) {
  std::vector<std::uint64_t> seeds;
  for (int block = 0; block < kBootstrapBlocks; ++block) seeds.push_back(bootstrap_block_seed(42, block));
  EXPECT_EQ(seeds[0], 42u);
  std::sort(seeds.begin(), seeds.end());
  EXPECT_EQ(std::unique(seeds.begin(), seeds.end()), seeds.end());
  EXPECT_EQ(bootstrap_block_begin(1000, 0), 0);
  EXPECT_EQ(bootstrap_block_begin(1000, kBootstrapBlocks), 1000);
  EXPECT_EQ(bootstrap_block_begin(3, kBootstrapBlocks), 3);
}

TEST(Bootstrap, PlainBootstrapSkipsOneClassResamples) {
  // One fake in 8: about (7/8)^8 = 34 % of plain resamples draw no fake at all.
  const std::vector<int> labels = {1, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<double> scores = {0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.95};
  const auto ci = bootstrap_auc_logloss(labels, scores, {}, {500, 0.95, 1, false});
  EXPECT_GT(ci.auc.n_valid, 250);
  EXPECT_LT(ci.auc.n_valid, 420);
  EXPECT_NE(ci.auc.note.find("skipped"), std::string::npos);
  EXPECT_TRUE(ci.auc.interval.has_value());
  EXPECT_EQ(ci.logloss.n_valid, 500);
  // Stratified: every resample has its fake.
  EXPECT_EQ(bootstrap_auc_logloss(labels, scores, {}, {500, 0.95, 1, true}).auc.n_valid, 500);
  // The generic path skips resamples where the statistic throws the one-class domain_error.
  const auto generic = bootstrap_ci(
      labels, scores,
      [](const std::vector<int>& l, const std::vector<double>& s) -> std::optional<double> {
        return roc_auc(l, s);
      },
      {500, 0.95, 1, false});
  EXPECT_EQ(generic.n_valid, ci.auc.n_valid);
  EXPECT_EQ(generic.interval->low, ci.auc.interval->low);
  // One class only: no AUC at all, but logloss.
  const auto one = bootstrap_auc_logloss({0, 0, 0}, {0.1, 0.5, 0.2}, {}, {});
  EXPECT_FALSE(one.auc.interval.has_value());
  EXPECT_EQ(one.auc.n_valid, 0);
  EXPECT_TRUE(one.logloss.interval.has_value());
}

TEST(Bootstrap, QuantilesInterpolateLikeNumpy) {
  // numpy.percentile([1, 2, 3, 4], [25, 50, 97.5]) = [1.75, 2.5, 3.925]
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.975), 3.925);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(v, 0.0), 1.0);
  const Interval i = percentile_interval({4, 1, 3, 2}, 0.5);
  EXPECT_DOUBLE_EQ(i.low, 1.75);
  EXPECT_DOUBLE_EQ(i.high, 3.25);
  EXPECT_THROW(quantile_sorted({}, 0.5), std::invalid_argument);
  EXPECT_THROW(quantile_sorted(v, 1.5), std::invalid_argument);
  EXPECT_THROW(percentile_interval(v, 1.0), std::invalid_argument);
}

TEST(Bootstrap, RejectsBadOptions) {
  EXPECT_THROW(bootstrap_auc_logloss({0, 1}, {0.1, 0.9}, {}, {0, 0.95, 1, true}), std::invalid_argument);
  EXPECT_THROW(bootstrap_auc_logloss({0, 1}, {0.1, 0.9}, {}, {10, 0.0, 1, true}), std::invalid_argument);
  EXPECT_THROW(bootstrap_auc_logloss({0, 1}, {0.1}, {}, {}), std::invalid_argument);
  EXPECT_THROW(bootstrap_auc_logloss({0, 1}, {0.1, 2.0}, {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
