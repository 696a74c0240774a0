// Stacking fusion vs sklearn's LogisticRegression on a stored fixture
// (fixtures/make_stacking_fixture.py, run once with /usr/bin/python3 and sklearn), and its errors.
#include "modalities/fusion/stacking_fusion.h"

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/modalities/fusion/plugin_registry.h"

namespace dflab {
namespace {

std::unique_ptr<StackingFusion> make_stacking(double C) {
  Registry reg = fusion_plugin_registry();
  Params p = reg.defaults(kind::fusion, "stacking");
  p.set("C", C);
  auto f = reg.create<Fusion>(kind::fusion, "stacking", p);
  return std::unique_ptr<StackingFusion>(dynamic_cast<StackingFusion*>(f.release()));
}

nlohmann::json fixture() {
  std::ifstream in(std::string(DFLAB_SOURCE_DIR) + "/tests/modalities/fusion/fixtures/stacking_fixture.json");
  if (!in) throw std::runtime_error("missing stacking_fixture.json");
  return nlohmann::json::parse(in);
}

TEST(StackingFusion, MatchesSklearnLogisticRegression) {
  const nlohmann::json fx = fixture();
  const auto val = fx["val_scores"].get<ScoreMatrix>();
  const auto labels = fx["val_labels"].get<std::vector<int>>();
  const auto test = fx["test_scores"].get<ScoreMatrix>();
  ASSERT_EQ(fx["fits"].size(), 3u);
  for (const auto& fit : fx["fits"]) {
    const double C = fit["C"].get<double>();
    SCOPED_TRACE("C = " + std::to_string(C));
    auto s = make_stacking(C);
    ASSERT_NE(s, nullptr);
    s->fit(val, labels);
    const auto coef = fit["coef"].get<std::vector<double>>();
    ASSERT_EQ(s->coefficients().size(), coef.size());
    // The fixture comes from sklearn's newton-cg at tol 1e-12 (gradient norm ~1e-10): the exact optimum.
    for (std::size_t j = 0; j < coef.size(); ++j) EXPECT_NEAR(s->coefficients()[j], coef[j], 1e-8 * (1 + std::abs(coef[j])));
    EXPECT_NEAR(s->intercept(), fit["intercept"].get<double>(), 1e-8);
    EXPECT_LT(s->n_iterations(), 30);
    const auto expected = fit["test_proba"].get<std::vector<double>>();
    const auto fused = s->fuse(test);
    ASSERT_EQ(fused.size(), expected.size());
    for (std::size_t v = 0; v < fused.size(); ++v) EXPECT_NEAR(fused[v], expected[v], 1e-9) << v;
  }
}

TEST(StackingFusion, IsDeterministic) {
  const nlohmann::json fx = fixture();
  auto a = make_stacking(1.0), b = make_stacking(1.0);
  a->fit(fx["val_scores"].get<ScoreMatrix>(), fx["val_labels"].get<std::vector<int>>());
  b->fit(fx["val_scores"].get<ScoreMatrix>(), fx["val_labels"].get<std::vector<int>>());
  EXPECT_EQ(a->coefficients(), b->coefficients());
  EXPECT_EQ(a->intercept(), b->intercept());
}

TEST(StackingFusion, SeparableDataStaysFinite) {
  // Perfectly separated validation scores: the L2 term keeps the optimum finite.
  auto s = make_stacking(1e6);
  s->fit({{0.1, 0.2, 0.8, 0.9}}, {0, 0, 1, 1});
  EXPECT_TRUE(std::isfinite(s->coefficients()[0]));
  EXPECT_GT(s->coefficients()[0], 0.0);
  const auto out = s->fuse({{0.05, 0.95}});
  EXPECT_LT(out[0], 0.01);
  EXPECT_GT(out[1], 0.99);
}

TEST(StackingFusion, ClearErrors) {
  auto s = make_stacking(1.0);
  EXPECT_THROW(s->fuse({{0.2, 0.7}}), std::logic_error) << "fuse before fit";
  try {
    s->fuse({{0.2}});
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("before fit"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s->fit({{0.2, 0.7, 0.9}}, {1, 1, 1}), std::invalid_argument) << "one class only";
  EXPECT_THROW(s->fit({{0.2, 0.7, 0.9}}, {0, 1}), std::invalid_argument) << "labels vs videos";
  EXPECT_THROW(s->fit({{0.2, 0.7}, {0.1}}, {0, 1}), std::invalid_argument) << "models disagree";
  EXPECT_THROW(s->fit({{0.2, 0.7}}, {0, 2}), std::invalid_argument) << "label not 0/1";
  EXPECT_FALSE(s->fitted());
  s->fit({{0.2, 0.7}, {0.3, 0.6}}, {0, 1});
  EXPECT_THROW(s->fuse({{0.2, 0.7}}), std::invalid_argument) << "fitted on 2 models, given 1";
}

}  // namespace
}  // namespace dflab
