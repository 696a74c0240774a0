#include "metrics/source_mean.h"

#include <stdexcept>

#include "metrics/binary_input.h"
#include "metrics/logloss.h"
#include "metrics/roc.h"

namespace dflab {

namespace {

struct Mean {
  double sum = 0.0;
  int n = 0;
  void add(double v) {
    sum += v;
    ++n;
  }
  std::optional<double> value() const { return n ? std::optional<double>(sum / n) : std::nullopt; }
};

}  // namespace

SourceMean mean_over_sources(const std::vector<SourceScores>& sources, const BootstrapOptions& options) {
  check_bootstrap_options(options);
  std::vector<bool> has_auc;
  Mean auc, ll;
  for (const SourceScores& s : sources) {
    if (s.labels.empty()) throw std::invalid_argument("mean_over_sources: source '" + s.source + "' has no videos");
    const ClassCounts c = check_binary_input(s.labels, s.scores, "mean_over_sources (" + s.source + ")");
    has_auc.push_back(c.both_classes());
    if (c.both_classes()) auc.add(roc_auc(s.labels, s.scores));
    ll.add(log_loss(s.labels, s.scores));
  }
  SourceMean out;
  out.auc = auc.value();
  out.logloss = ll.value();
  out.n_auc = auc.n;
  out.n_logloss = ll.n;

  // One sampler per source, each with its own seed, so adding a source leaves the draws of the
  // others as they were.
  std::vector<BootstrapSampler> samplers;
  for (std::size_t k = 0; k < sources.size(); ++k)
    samplers.emplace_back(sources[k].labels, options.stratified, options.seed + k);
  std::vector<double> auc_means, ll_means;
  int auc_skipped = 0;
  for (int b = 0; b < options.samples; ++b) {
    Mean ra, rl;
    bool auc_defined = out.n_auc > 0;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      const std::vector<std::uint32_t>& counts = samplers[k].next();
      std::vector<int> labels;
      std::vector<double> scores;
      for (std::size_t i = 0; i < counts.size(); ++i)
        for (std::uint32_t c = 0; c < counts[i]; ++c) {
          labels.push_back(sources[k].labels[i]);
          scores.push_back(sources[k].scores[i]);
        }
      rl.add(log_loss(labels, scores));
      if (!has_auc[k]) continue;
      const ClassCounts c = check_binary_input(labels, scores, "resample");
      if (c.both_classes()) ra.add(roc_auc(labels, scores));
      else auc_defined = false;   // plain (unstratified) resampling drew one class of this source
    }
    ll_means.push_back(*rl.value());
    if (auc_defined) auc_means.push_back(*ra.value());
    else if (out.n_auc > 0) ++auc_skipped;
  }
  auto finish = [&](BootstrapResult& r, std::vector<double>& values, bool defined, int skipped) {
    r.n_resamples = options.samples;
    r.n_valid = static_cast<int>(values.size());
    if (!defined) r.note = "undefined: no source has both classes";
    else if (values.size() < 2) r.note = "fewer than 2 resamples gave a value";
    else r.interval = percentile_interval(std::move(values), options.ci_level);
    if (skipped > 0 && r.note.empty()) r.note = std::to_string(skipped) + " resamples with one class skipped";
  };
  finish(out.auc_ci, auc_means, out.n_auc > 0, auc_skipped);
  finish(out.logloss_ci, ll_means, true, 0);
  return out;
}

}  // namespace dflab
