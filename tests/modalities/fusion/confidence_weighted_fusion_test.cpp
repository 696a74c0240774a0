// Confidence-weighted fusion: the confident model outvotes the unsure one, hand-computed.
#include "modalities/fusion/confidence_weighted_fusion.h"

#include <gtest/gtest.h>

#include "tests/modalities/fusion/plugin_registry.h"

namespace dflab {
namespace {

std::vector<double> fuse(const ScoreMatrix& s, std::map<std::string, ParamValue> set = {}) {
  Registry reg = fusion_plugin_registry();
  Params p = reg.defaults(kind::fusion, "confidence_weighted");
  for (auto& [k, v] : set) p.set(k, v);
  return reg.create<Fusion>(kind::fusion, "confidence_weighted", p)->fuse(s);
}

TEST(ConfidenceWeightedFusion, HandComputed) {
  // Video 0: 0.9 (w 0.4001) and 0.4 (w 0.1001) -> (0.4001*0.9 + 0.1001*0.4) / 0.5002 = 0.799940.
  // Video 1: 0.5 (w 1e-4) and 0.1 (w 0.4001) -> (1e-4*0.5 + 0.4001*0.1) / 0.4002 = 0.100100.
  const auto out = fuse({{0.9, 0.5}, {0.4, 0.1}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NEAR(out[0], (0.4001 * 0.9 + 0.1001 * 0.4) / 0.5002, 1e-12);
  EXPECT_NEAR(out[1], (1e-4 * 0.5 + 0.4001 * 0.1) / 0.4002, 1e-12);
  // k = 2, eps = 0: weights 0.16 and 0.01 -> (0.16*0.9 + 0.01*0.4) / 0.17.
  EXPECT_NEAR(fuse({{0.9}, {0.4}}, {{"weight_power", 2.0}, {"weight_eps", 0.0}})[0], (0.16 * 0.9 + 0.01 * 0.4) / 0.17, 1e-12);
  // One model: its own scores back (no sharpening by default).
  EXPECT_NEAR(fuse({{0.3, 0.8}})[1], 0.8, 1e-15);
  // Sharpened: the aggregator's NTechLab rule across models.
  EXPECT_NEAR(fuse({{0.9}, {0.3}}, {{"sharpen", std::string("power")}, {"clip_low", 0.01}, {"clip_high", 0.99}})[0],
              0.7095222767445186, 1e-12);
}

TEST(ConfidenceWeightedFusion, Errors) {
  EXPECT_THROW(fuse({{0.9, 0.5}, {0.4}}), std::invalid_argument);
  EXPECT_THROW(fuse({}), std::invalid_argument);
  EXPECT_EQ(fuse({{}, {}}).size(), 0u);
}

}  // namespace
}  // namespace dflab
