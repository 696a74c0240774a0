#include "modalities/aggregators/aggregator.h"

#include <gtest/gtest.h>

#include "experiments/builtin_plugins.h"

namespace dflab {
namespace {

double run(const std::string& name, const std::vector<double>& s, Params p = {}) {
  Registry reg = builtin_registry();
  if (p.values().empty()) p = reg.defaults(kind::aggregator, name);
  return reg.create<Aggregator>(kind::aggregator, name, p)->aggregate(s);
}

TEST(Aggregators, OrderStatistics) {
  const std::vector<double> s = {0.9, 0.1, 0.4, 0.6};
  EXPECT_NEAR(run("mean", s), 0.5, 1e-12);
  EXPECT_NEAR(run("median", s), 0.5, 1e-12);          // (0.4 + 0.6) / 2
  EXPECT_NEAR(run("median", {0.3, 0.9, 0.1}), 0.3, 1e-12);
  EXPECT_NEAR(run("max", s), 0.9, 1e-12);
  Params k2;
  k2.set("k", std::int64_t{2});
  EXPECT_NEAR(run("topk_mean", s, k2), 0.75, 1e-12);
  Params k9;
  k9.set("k", std::int64_t{9});
  EXPECT_NEAR(run("topk_mean", s, k9), 0.5, 1e-12) << "k larger than the frame count";
}

TEST(Aggregators, EmptyInputIsAnError) {
  for (const char* name : {"mean", "median", "max", "topk_mean"})
    EXPECT_THROW(run(name, {}), std::invalid_argument) << name;
}

}  // namespace
}  // namespace dflab
