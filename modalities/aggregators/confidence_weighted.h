#pragma once
// Confidence-aware frame-score aggregators from the DFDC winners, and the weighting they share with
// the `confidence_weighted` fusion.
//
//   auto agg = registry.create<Aggregator>(kind::aggregator, "confidence_weighted", params);
//   double video = agg->aggregate({0.9, 0.8, 0.3});   // sharpened, confidence-weighted mean
//
//   ConfidenceWeighting w;                              // NTechLab defaults
//   double s = confidence_weighted_mean({0.9, 0.8, 0.3}, w);
//
// "confidence_weighted" (DFDC 3rd place, NTechLab): with d = p - 0.5,
//   sharpen  p' = clip(0.5 + sign(d) * |d|^a, 0.01, 0.99)        (a = 0.65 < 1 pushes away from 0.5)
//   weight   w  = |d|^k + eps                                    (k = 1, eps = 1e-4; |2p-1| = 2|d|)
//   score    = sum(w p') / sum(w)
// ref: github.com/NTech-Lab/deepfake-detection-challenge predict.py, main(), lines after
//      `track_probs = np.concatenate(...)`. The weight uses the unsharpened d, as there.
// `sharpen = "tempered"` instead uses p' = p^a / (p^a + (1-p)^a) (a > 1 sharpens; a temperature
// 1/a on the logit: logit(p') = a * logit(p)), and "none" keeps p.
//
// "confident_strategy" (DFDC 1st place, Selim Seferbekov): with t = 0.8,
//   if #(p > t) > floor(n / 2.5) and #(p > t) > 11:  mean of the p > t
//   elif #(p < 0.2) > 0.9 n:                          mean of the p < 0.2
//   else:                                             mean of all
// ref: github.com/selimsef/dfdc_deepfake_challenge kernel_utils.py, confident_strategy(pred, t=0.8)
//      (`sz // 2.5` there is Python float floor division = floor(n / 2.5)).
//
// Every score must be finite and in [0, 1]: std::invalid_argument otherwise, and on an empty list.

#include <string>
#include <vector>

#include "modalities/aggregators/aggregator.h"

namespace dflab {

struct ConfidenceWeighting {
  std::string sharpen = "power";   // "power" (NTechLab), "tempered" or "none"
  double sharpen_exponent = 0.65;  // a
  double weight_power = 1.0;       // k
  double weight_eps = 1e-4;        // keeps a frame at exactly 0.5 in the sum
  double clip_low = 0.01;          // applied to the sharpened scores
  double clip_high = 0.99;
};

// The declared parameters for a ConfidenceWeighting (names as the struct), with `def`'s values as
// defaults; and the struct back from validated Params (throws std::invalid_argument when
// clip_low > 0.5 or clip_high < 0.5, naming params.origin).
std::vector<ParamSpec> confidence_weighting_params(const ConfidenceWeighting& def);
ConfidenceWeighting confidence_weighting_from(const Params& params);

// p' of one score under w's sharpening and clipping.
double sharpen_score(double p, const ConfidenceWeighting& w);
// sum(w_i p'_i) / sum(w_i); the plain mean of the p' when every weight is 0 (eps = 0, all 0.5).
double confidence_weighted_mean(const std::vector<double>& scores, const ConfidenceWeighting& w);

class ConfidenceWeightedAggregator : public Aggregator {
 public:
  explicit ConfidenceWeightedAggregator(const Params& params);
  static PluginInfo info();
  double aggregate(const std::vector<double>& frame_scores) const override;

 private:
  ConfidenceWeighting w_;
};

class ConfidentStrategyAggregator : public Aggregator {
 public:
  explicit ConfidentStrategyAggregator(const Params& params);
  static PluginInfo info();
  double aggregate(const std::vector<double>& frame_scores) const override;

 private:
  double threshold_, low_threshold_, fake_divisor_, real_fraction_;
  std::int64_t min_fakes_;
};

}  // namespace dflab
