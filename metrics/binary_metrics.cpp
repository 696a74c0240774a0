#include "metrics/binary_metrics.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "metrics/binary_input.h"
#include "metrics/bootstrap.h"
#include "metrics/confusion.h"
#include "metrics/logloss.h"
#include "metrics/roc.h"

namespace dflab {
namespace {

void check_options(const EvaluateOptions& o) {
  if (!std::isfinite(o.threshold))
    throw std::invalid_argument("evaluate: threshold is not finite");
  if (!(o.target_fpr >= 0.0 && o.target_fpr <= 1.0))
    throw std::invalid_argument("evaluate: target_fpr " + std::to_string(o.target_fpr) +
                                " is outside [0, 1]");
  if (o.bootstrap_samples < 0)
    throw std::invalid_argument("evaluate: bootstrap_samples must be >= 0, got " +
                                std::to_string(o.bootstrap_samples));
  if (!(o.ci_level > 0.0 && o.ci_level < 1.0))
    throw std::invalid_argument("evaluate: ci_level " + std::to_string(o.ci_level) +
                                " is outside (0, 1)");
  check_log_loss_options({o.logloss_eps, o.dfdc_clip});
}

std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

MetricResult defined(const std::string& name, double value, std::string note = {}) {
  return {name, value, std::move(note)};
}

MetricResult maybe(const std::string& name, std::optional<double> value, const std::string& why) {
  return {name, value, value ? std::string() : why};
}

MetricResult undefined(const std::string& name, std::string why) {
  return {name, std::nullopt, std::move(why)};
}

}  // namespace

const std::vector<std::string>& binary_metric_names() {
  static const std::vector<std::string> names = {
      "logloss", "auc", "tpr_at_fpr", "tpr", "fpr", "precision", "recall", "f1", "accuracy",
      "eer", "eer_threshold", "tp", "fp", "tn", "fn",
      "auc_ci_low", "auc_ci_high", "logloss_ci_low", "logloss_ci_high"};
  return names;
}

const MetricResult* BinaryReport::find(const std::string& name) const {
  for (const auto& m : metrics)
    if (m.name == name) return &m;
  return nullptr;
}

std::optional<double> BinaryReport::value(const std::string& name) const {
  const MetricResult* m = find(name);
  return m ? m->value : std::nullopt;
}

BinaryReport evaluate(const std::vector<int>& labels, const std::vector<double>& scores,
                      const EvaluateOptions& options) {
  const ClassCounts c = check_binary_input(labels, scores, "evaluate");
  check_probabilities(scores, "evaluate");
  check_options(options);
  const LogLossOptions ll_options{options.logloss_eps, options.dfdc_clip};

  BinaryReport r;
  r.n = c.n;
  r.n_positive = c.n_positive;
  r.n_negative = c.n_negative;
  r.options = options;
  auto& m = r.metrics;
  m.reserve(binary_metric_names().size());

  std::string eps_note = "eps " + format_number(options.logloss_eps);
  if (options.dfdc_clip) eps_note += ", scores clipped to [0.01, 0.99]";
  m.push_back(defined("logloss", log_loss(labels, scores, ll_options), eps_note));

  const std::vector<std::size_t> order = order_by_decreasing_score(scores);
  std::optional<RocCurve> roc;
  if (c.both_classes()) roc = roc_curve_sorted(labels, scores, order);
  if (roc) {
    m.push_back(defined("auc", roc_auc(*roc)));
    m.push_back(defined("tpr_at_fpr", tpr_at_fpr(*roc, options.target_fpr).tpr,
                        "target FPR " + format_number(options.target_fpr)));
  } else {
    m.push_back(undefined("auc", kOneClassNote));
    m.push_back(undefined("tpr_at_fpr", kOneClassNote));
  }

  const Confusion cm = confusion_at(labels, scores, options.threshold);
  m.push_back(maybe("tpr", cm.tpr(), kOneClassNote));
  m.push_back(maybe("fpr", cm.fpr(), kOneClassNote));
  m.push_back(maybe("precision", cm.precision(),
                    "undefined: no sample predicted fake at this threshold (scikit-learn "
                    "returns 0 with UndefinedMetricWarning)"));
  m.push_back(maybe("recall", cm.recall(), kOneClassNote));
  m.push_back(maybe("f1", cm.f1(),
                    "undefined: no fake sample and none predicted fake (scikit-learn returns 0 "
                    "with UndefinedMetricWarning)"));
  m.push_back(maybe("accuracy", cm.accuracy(), "undefined: no samples"));

  if (roc) {
    const EerPoint e = equal_error_rate(*roc);
    m.push_back(defined("eer", e.eer));
    m.push_back(defined("eer_threshold", e.threshold));
  } else {
    m.push_back(undefined("eer", kOneClassNote));
    m.push_back(undefined("eer_threshold", kOneClassNote));
  }

  m.push_back(defined("tp", static_cast<double>(cm.tp)));
  m.push_back(defined("fp", static_cast<double>(cm.fp)));
  m.push_back(defined("tn", static_cast<double>(cm.tn)));
  m.push_back(defined("fn", static_cast<double>(cm.fn)));

  if (options.bootstrap_samples == 0) {
    for (const char* name : {"auc_ci_low", "auc_ci_high", "logloss_ci_low", "logloss_ci_high"})
      m.push_back(undefined(name, "bootstrap disabled (bootstrap_samples = 0)"));
    return r;
  }
  const BootstrapOptions bs{options.bootstrap_samples, options.ci_level, options.seed,
                            options.bootstrap_stratified};
  const AucLoglossIntervals ci = bootstrap_auc_logloss_sorted(labels, scores, order, ll_options, bs);
  auto push_interval = [&](const std::string& prefix, const BootstrapResult& b,
                           const std::string& why_undefined) {
    const std::string note = b.interval ? b.note : why_undefined;
    m.push_back({prefix + "_ci_low",
                 b.interval ? std::optional<double>(b.interval->low) : std::nullopt, note});
    m.push_back({prefix + "_ci_high",
                 b.interval ? std::optional<double>(b.interval->high) : std::nullopt, note});
  };
  push_interval("auc", ci.auc, c.both_classes() ? ci.auc.note : std::string(kOneClassNote));
  push_interval("logloss", ci.logloss, ci.logloss.note);
  return r;
}

nlohmann::json to_json(const BinaryReport& report) {
  const EvaluateOptions& o = report.options;
  nlohmann::json j;
  j["n"] = report.n;
  j["n_positive"] = report.n_positive;
  j["n_negative"] = report.n_negative;
  j["options"] = {{"threshold", o.threshold},
                  {"logloss_eps", o.logloss_eps},
                  {"dfdc_clip", o.dfdc_clip},
                  {"target_fpr", o.target_fpr},
                  {"bootstrap_samples", o.bootstrap_samples},
                  {"ci_level", o.ci_level},
                  {"seed", o.seed},
                  {"bootstrap_stratified", o.bootstrap_stratified}};
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json notes = nlohmann::json::object();
  nlohmann::json order = nlohmann::json::array();
  for (const auto& m : report.metrics) {
    metrics[m.name] = m.value ? nlohmann::json(*m.value) : nlohmann::json(nullptr);
    if (!m.note.empty()) notes[m.name] = m.note;
    order.push_back(m.name);
  }
  j["metrics"] = std::move(metrics);
  j["notes"] = std::move(notes);
  j["metric_order"] = std::move(order);
  return j;
}

}  // namespace dflab
