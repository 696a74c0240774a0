#include "modalities/fusion/fusion.h"

#include <gtest/gtest.h>

#include "experiments/builtin_plugins.h"

namespace dflab {
namespace {

std::unique_ptr<Fusion> make(const Registry& reg, const std::string& name, Params p) {
  return reg.create<Fusion>(kind::fusion, name, p);
}

const ScoreMatrix scores = {{0.1, 0.8, 0.5}, {0.3, 0.2, 0.9}};

TEST(Fusion, Mean) {
  Registry reg = builtin_registry();
  auto f = make(reg, "mean", reg.defaults(kind::fusion, "mean"));
  auto out = f->fuse(scores);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NEAR(out[0], 0.2, 1e-12);
  EXPECT_NEAR(out[1], 0.5, 1e-12);
  EXPECT_NEAR(out[2], 0.7, 1e-12);
}

TEST(Fusion, Max) {
  Registry reg = builtin_registry();
  auto out = make(reg, "max", {})->fuse(scores);
  EXPECT_EQ(out, (std::vector<double>{0.3, 0.8, 0.9}));
}

TEST(Fusion, WeightedMeanNormalisesWeights) {
  Registry reg = builtin_registry();
  Params p;
  p.set("weights", std::vector<double>{3.0, 1.0});
  auto out = make(reg, "weighted_mean", p)->fuse(scores);
  EXPECT_NEAR(out[0], 0.75 * 0.1 + 0.25 * 0.3, 1e-12);
  EXPECT_NEAR(out[2], 0.75 * 0.5 + 0.25 * 0.9, 1e-12);
  // Wrong number of weights for the models given.
  EXPECT_THROW(make(reg, "weighted_mean", p)->fuse({{0.1}, {0.2}, {0.3}}), std::invalid_argument);
  Params zero;
  zero.set("weights", std::vector<double>{0.0, 0.0});
  EXPECT_THROW(make(reg, "weighted_mean", zero), std::invalid_argument);
}

TEST(Fusion, MismatchedModelsAreRejected) {
  Registry reg = builtin_registry();
  EXPECT_THROW(make(reg, "mean", {})->fuse({{0.1, 0.2}, {0.3}}), std::invalid_argument);
  EXPECT_THROW(make(reg, "mean", {})->fuse({}), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
