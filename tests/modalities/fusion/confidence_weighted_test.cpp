// confidence_weighted (DFDC 3rd place, NTechLab) and confident_strategy (DFDC 1st place) aggregators:
// hand-computed cases, edge cases, and reference values from the winners' numpy code
// (fixtures/make_aggregator_fixtures.py, run once with /usr/bin/python3; its output is kReference).
#include "modalities/aggregators/confidence_weighted.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/modalities/fusion/plugin_registry.h"

namespace dflab {
namespace {

double run(const std::string& name, const std::vector<double>& s, std::map<std::string, ParamValue> set = {}) {
  Registry reg = fusion_plugin_registry();
  Params p = reg.defaults(kind::aggregator, name);
  for (auto& [k, v] : set) p.set(k, v);
  return reg.create<Aggregator>(kind::aggregator, name, p)->aggregate(s);
}

struct Reference {
  const char* name;
  std::vector<double> scores;
  double ntech, confident;
};
const Reference kReference[] = {
    {"random32", {0.625095, 0.897214, 0.775686, 0.225207, 0.300166, 0.873553, 0.005265, 0.821228, 0.797069, 0.467935, 0.303032, 0.278426, 0.25487, 0.445076, 0.504548, 0.553497, 0.9955, 0.792662, 0.622179, 0.98896, 0.215309, 0.160212, 0.61254, 0.043942, 0.03568, 0.514889, 0.466206, 0.917168, 0.629226, 0.514118, 0.496873, 0.247515}, 0.5261055932582831, 0.5119014375},
    {"mostly_fake32", {0.812241, 0.846556, 0.941486, 0.848115, 0.880212, 0.81071, 0.967709, 0.839348, 0.860844, 0.977263, 0.90686, 0.970959, 0.931546, 0.593417, 0.073196, 0.432915, 0.406218, 0.697072, 0.289011, 0.478547, 0.047401, 0.310105, 0.258429, 0.12016, 0.65307, 0.303557, 0.782998, 0.471993, 0.484045, 0.510397, 0.54116, 0.12063}, 0.6866672421719214, 0.8918345384615386},
    {"twelve_fake32", {0.89366, 0.855517, 0.886475, 0.828374, 0.993887, 0.850851, 0.937635, 0.86708, 0.976075, 0.935821, 0.835007, 0.970564, 0.772474, 0.751958, 0.58486, 0.37273, 0.396232, 0.763953, 0.576163, 0.390276, 0.742028, 0.620786, 0.584847, 0.488144, 0.505478, 0.419745, 0.319029, 0.738109, 0.533865, 0.573818, 0.461082, 0.675662}, 0.888160132467647, 0.69069328125},
    {"mostly_real20", {0.004787, 0.070715, 0.005767, 0.023349, 0.183758, 0.124975, 0.081362, 0.099511, 0.165834, 0.0654, 0.112155, 0.1299, 0.067529, 0.098629, 0.145397, 0.172744, 0.028702, 0.17735, 0.000984, 0.95}, 0.0651531687959864, 0.09257094736842106},
    {"ten_frames", {0.752978, 0.810527, 0.136764, 0.418904, 0.815256, 0.014271, 0.628462, 0.793024, 0.513004, 0.725849}, 0.5883824401814265, 0.5609039000000001},
};

TEST(ConfidenceWeighted, HandComputedTwoFrames) {
  // d = 0.4, -0.2. p' = clip(0.5 + 0.4^0.65 = 1.0512, .., 0.99) = 0.99 and 0.5 - 0.2^0.65 = 0.148707;
  // w = 0.4001, 0.2001 -> (0.4001 * 0.99 + 0.2001 * 0.148707) / 0.6002 = 0.709522.
  EXPECT_NEAR(run("confidence_weighted", {0.9, 0.3}), 0.7095222767445186, 1e-12);
  // No sharpening, k = 1, eps = 0: (0.4 * 0.9 + 0.2 * 0.3) / 0.6 = 0.7.
  EXPECT_NEAR(run("confidence_weighted", {0.9, 0.3}, {{"sharpen", std::string("none")}, {"weight_eps", 0.0}}), 0.7, 1e-12);
  // k = 0: plain mean of the sharpened scores, (0.99 + 0.148707) / 2.
  EXPECT_NEAR(run("confidence_weighted", {0.9, 0.3}, {{"weight_power", 0.0}}), (0.99 + 0.14870699901079454) / 2, 1e-12);
}

TEST(ConfidenceWeighted, TemperedSharpening) {
  // a = 2: 0.75 -> 0.5625 / (0.5625 + 0.0625) = 0.9; 0.25 -> 0.1. Weights equal (|d| = 0.25): 0.5.
  EXPECT_NEAR(run("confidence_weighted", {0.75}, {{"sharpen", std::string("tempered")}, {"sharpen_exponent", 2.0}}), 0.9, 1e-12);
  EXPECT_NEAR(run("confidence_weighted", {0.75, 0.25}, {{"sharpen", std::string("tempered")}, {"sharpen_exponent", 2.0}}), 0.5, 1e-12);
  ConfidenceWeighting w;
  w.sharpen = "tempered";
  w.sharpen_exponent = 1.0;
  EXPECT_NEAR(sharpen_score(0.3, w), 0.3, 1e-15) << "a = 1 is the identity";
}

TEST(ConfidenceWeighted, EdgeCases) {
  EXPECT_NEAR(run("confidence_weighted", {0.5, 0.5, 0.5}), 0.5, 1e-15) << "all undecided";
  EXPECT_NEAR(run("confidence_weighted", {0.5, 0.5}, {{"weight_eps", 0.0}}), 0.5, 1e-15) << "zero total weight";
  EXPECT_NEAR(run("confidence_weighted", {0.7}), 0.8512930009892055, 1e-12) << "one frame: 0.5 + 0.2^0.65";
  EXPECT_NEAR(run("confidence_weighted", {0.0, 1.0}), 0.5, 1e-12) << "clipped to 0.01 and 0.99, equal weights";
  EXPECT_THROW(run("confidence_weighted", {}), std::invalid_argument);
  EXPECT_THROW(run("confidence_weighted", {0.2, 1.5}), std::invalid_argument);
  EXPECT_THROW(run("confidence_weighted", {std::nan("")}), std::invalid_argument);
}

TEST(ConfidenceWeighted, MatchesNTechLabNumpy) {
  for (const auto& r : kReference) EXPECT_NEAR(run("confidence_weighted", r.scores), r.ntech, 1e-12) << r.name;
}

TEST(ConfidentStrategy, MatchesSeferbekovNumpy) {
  for (const auto& r : kReference) EXPECT_NEAR(run("confident_strategy", r.scores), r.confident, 1e-12) << r.name;
}

TEST(ConfidentStrategy, Branches) {
  // 13 of 32 above 0.8: 13 > floor(32 / 2.5) = 12 and 13 > 11 -> mean of those 13 (all 0.9).
  std::vector<double> s(32, 0.3);
  std::fill(s.begin(), s.begin() + 13, 0.9);
  EXPECT_NEAR(run("confident_strategy", s), 0.9, 1e-12);
  // 12 of 32: 12 > 12 fails -> plain mean (12 * 0.9 + 20 * 0.3) / 32.
  s[12] = 0.3;
  EXPECT_NEAR(run("confident_strategy", s), (12 * 0.9 + 20 * 0.3) / 32, 1e-12);
  // 29 of 30 below 0.2 (> 27) -> mean of those.
  std::vector<double> r(30, 0.1);
  r[0] = 0.6;
  EXPECT_NEAR(run("confident_strategy", r), 0.1, 1e-12);
  // 27 of 30 is not more than 0.9 * 30 -> plain mean.
  r[1] = r[2] = 0.6;
  EXPECT_NEAR(run("confident_strategy", r), (3 * 0.6 + 27 * 0.1) / 30, 1e-12);
  EXPECT_NEAR(run("confident_strategy", {0.99}), 0.99, 1e-15) << "one frame: too few fakes -> mean";
  EXPECT_NEAR(run("confident_strategy", {0.5, 0.5}), 0.5, 1e-15);
  // Smaller clips need min_fakes lowered: 2 of 3 above t, 2 > floor(3 / 2.5) = 1 and 2 > 1.
  EXPECT_NEAR(run("confident_strategy", {0.9, 0.95, 0.1}, {{"min_fakes", std::int64_t{1}}}), 0.925, 1e-12);
  EXPECT_THROW(run("confident_strategy", {}), std::invalid_argument);
  EXPECT_THROW(run("confident_strategy", {0.9}, {{"low_threshold", 0.9}, {"threshold", 0.5}}), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
