#pragma once
// The mean of a metric over sources (generators) and its bootstrap interval: the summary line of a
// leave-one-source-out table. With a few clips per source the mean alone says little, so each
// resample redraws every source's videos (stratified within the source, bootstrap.h) and takes
// the mean of the per-source AUCs and loglosses again; the interval is the percentile interval of
// those means.
//
//   std::vector<SourceScores> s = {{"sadtalker", labels_a, scores_a}, {"hyperlips", labels_b, scores_b}};
//   SourceMean m = mean_over_sources(s, {});          // 1000 resamples, 95 %, seed 42
//   if (m.auc) print(*m.auc, m.auc_ci.interval);
//
// A source whose videos hold one class has no AUC: it is left out of the AUC mean (n_auc says how
// many sources it averages) but counts in the logloss mean.

#include <optional>
#include <string>
#include <vector>

#include "metrics/bootstrap.h"

namespace dflab {

struct SourceScores {
  std::string source;
  std::vector<int> labels;      // 0 real / 1 fake
  std::vector<double> scores;   // P(fake)
};

struct SourceMean {
  std::optional<double> auc, logloss;   // means over sources; nullopt when no source has a value
  int n_auc = 0, n_logloss = 0;         // sources averaged
  BootstrapResult auc_ci, logloss_ci;
};

// Throws std::invalid_argument for a source without videos or with bad labels/scores
// (binary_input.h), or bad options.
SourceMean mean_over_sources(const std::vector<SourceScores>& sources, const BootstrapOptions& options = {});

}  // namespace dflab
