#include "modalities/aggregators/confidence_weighted.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dflab {

namespace {

void check_scores(const char* who, const std::vector<double>& s) {
  if (s.empty()) throw std::invalid_argument(std::string(who) + ": no scores to aggregate");
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!std::isfinite(s[i]) || s[i] < 0.0 || s[i] > 1.0)
      throw std::invalid_argument(std::string(who) + ": score " + std::to_string(i) + " = " +
                                  std::to_string(s[i]) + " is not a probability in [0, 1]");
}

double mean_where(const std::vector<double>& s, bool (*keep)(double, double), double t) {
  double sum = 0.0;
  std::size_t n = 0;
  for (double v : s)
    if (keep(v, t)) sum += v, ++n;
  return sum / static_cast<double>(n);
}

}  // namespace

std::vector<ParamSpec> confidence_weighting_params(const ConfidenceWeighting& d) {
  return {
      ParamSpec::string("sharpen", d.sharpen,
                        "score transform before averaging: power = 0.5 + sign(p-0.5)|p-0.5|^a (NTechLab), "
                        "tempered = p^a / (p^a + (1-p)^a), none")
          .one_of({"power", "tempered", "none"}),
      ParamSpec::real("sharpen_exponent", d.sharpen_exponent,
                      "a: power sharpens for a < 1, tempered sharpens for a > 1")
          .range(0.01, 100.0),
      ParamSpec::real("weight_power", d.weight_power, "k in the weight |p - 0.5|^k + eps (0: plain mean)").range(0.0, 20.0),
      ParamSpec::real("weight_eps", d.weight_eps, "eps in the weight |p - 0.5|^k + eps").range(0.0, 1.0),
      ParamSpec::real("clip_low", d.clip_low, "lower clip of the sharpened scores").range(0.0, 0.5),
      ParamSpec::real("clip_high", d.clip_high, "upper clip of the sharpened scores").range(0.5, 1.0),
  };
}

ConfidenceWeighting confidence_weighting_from(const Params& p) {
  ConfidenceWeighting w;
  w.sharpen = p.string("sharpen");
  w.sharpen_exponent = p.real("sharpen_exponent");
  w.weight_power = p.real("weight_power");
  w.weight_eps = p.real("weight_eps");
  w.clip_low = p.real("clip_low");
  w.clip_high = p.real("clip_high");
  if (w.sharpen != "power" && w.sharpen != "tempered" && w.sharpen != "none")
    throw std::invalid_argument(p.origin + ": sharpen \"" + w.sharpen + "\" is not power, tempered or none");
  if (!(w.clip_low <= 0.5 && w.clip_high >= 0.5 && w.sharpen_exponent > 0.0))
    throw std::invalid_argument(p.origin + ": need clip_low <= 0.5 <= clip_high and sharpen_exponent > 0");
  return w;
}

double sharpen_score(double p, const ConfidenceWeighting& w) {
  double q = p;
  if (w.sharpen == "power") {
    const double d = p - 0.5;
    if (d != 0.0) q = 0.5 + std::copysign(std::pow(std::abs(d), w.sharpen_exponent), d);
  } else if (w.sharpen == "tempered") {
    const double a = std::pow(p, w.sharpen_exponent), b = std::pow(1.0 - p, w.sharpen_exponent);
    q = a / (a + b);   // p in [0, 1]: a + b > 0
  }
  return std::clamp(q, w.clip_low, w.clip_high);
}

double confidence_weighted_mean(const std::vector<double>& s, const ConfidenceWeighting& w) {
  check_scores("confidence_weighted", s);
  double num = 0.0, den = 0.0, plain = 0.0;
  for (double p : s) {
    const double q = sharpen_score(p, w);
    // pow(0, 0) = 1: k = 0 gives equal weights, as |d|^0 does in numpy.
    const double weight = std::pow(std::abs(p - 0.5), w.weight_power) + w.weight_eps;
    num += weight * q;
    den += weight;
    plain += q;
  }
  return den > 0.0 ? num / den : plain / static_cast<double>(s.size());
}

// --- confidence_weighted ---

ConfidenceWeightedAggregator::ConfidenceWeightedAggregator(const Params& params)
    : w_(confidence_weighting_from(params)) {}

PluginInfo ConfidenceWeightedAggregator::info() {
  return {kind::aggregator, "confidence_weighted",
          "mean of sharpened frame scores weighted by their confidence |p-0.5| (DFDC 3rd place, NTechLab)",
          confidence_weighting_params(ConfidenceWeighting{})};
}

double ConfidenceWeightedAggregator::aggregate(const std::vector<double>& s) const {
  return confidence_weighted_mean(s, w_);
}

// --- confident_strategy ---

ConfidentStrategyAggregator::ConfidentStrategyAggregator(const Params& p)
    : threshold_(p.real("threshold")),
      low_threshold_(p.real("low_threshold")),
      fake_divisor_(p.real("fake_divisor")),
      real_fraction_(p.real("real_fraction")),
      min_fakes_(p.integer("min_fakes")) {
  if (low_threshold_ > threshold_)
    throw std::invalid_argument(p.origin + ": confident_strategy needs low_threshold <= threshold");
}

PluginInfo ConfidentStrategyAggregator::info() {
  return {kind::aggregator, "confident_strategy",
          "mean of the confident frames when enough agree, else the mean (DFDC 1st place, Seferbekov)",
          {ParamSpec::real("threshold", 0.8, "t: a frame with p > t is a confident fake").range(0.0, 1.0),
           ParamSpec::integer("min_fakes", 11, "confident fakes needed, exclusive (more than this many)").range(0, std::nullopt),
           ParamSpec::real("fake_divisor", 2.5, "confident fakes must also exceed floor(frames / this)").range(1.0, 100.0),
           ParamSpec::real("low_threshold", 0.2, "a frame with p < this is a confident real").range(0.0, 1.0),
           ParamSpec::real("real_fraction", 0.9, "confident reals must exceed this fraction of the frames").range(0.0, 1.0)}};
}

double ConfidentStrategyAggregator::aggregate(const std::vector<double>& s) const {
  check_scores("confident_strategy", s);
  const auto n = static_cast<double>(s.size());
  const auto fakes = std::count_if(s.begin(), s.end(), [&](double v) { return v > threshold_; });
  const auto reals = std::count_if(s.begin(), s.end(), [&](double v) { return v < low_threshold_; });
  if (static_cast<double>(fakes) > std::floor(n / fake_divisor_) && fakes > min_fakes_)
    return mean_where(s, [](double v, double t) { return v > t; }, threshold_);
  if (static_cast<double>(reals) > real_fraction_ * n)
    return mean_where(s, [](double v, double t) { return v < t; }, low_threshold_);
  return std::accumulate(s.begin(), s.end(), 0.0) / n;
}

}  // namespace dflab
