#pragma once
// The dataset an experiment names in [data], with its splits settled.
//
//   ExperimentConfig exp = load_experiment("exp.toml", registry);
//   Dataset ds = load_experiment_dataset(exp);     // on_error = "stop" throws ConfigError
//   for (const SkippedItem& s : ds.skipped) warn(s.to_string());
//
// [data] train / val / test name list files (relative to root, already resolved by the loader);
// when all three are empty the layout's own reader takes the whole root. Items read from the
// `train` file get split "train", and so on, except that a CSV's own `split` column wins: its
// "val" and "test" rows are never trained on, whichever key names the file (a file named by two
// keys is read once); rows with no split take the key's. A listed video outside [data] root is
// kept with a warning in Dataset::warnings (file:line). When no "val" split exists, folds = 0 and
// val_fraction > 0, a seeded, stratified, grouped share of train becomes "val" (datasets/splits.h).
// Every item has a source ([data] source_column of a CSV, else its folder; VideoItem::source).
//
// Leave-one-source-out: `source_folds` lists, for each held-out source (sorted; [data]
// holdout_sources when given), which items train, validate and test. Train: the other sources'
// "train" items; val: their "val" items, else a seeded stratified val_fraction share of their
// train items; test: every labelled item of the held-out source, whatever its split.

#include "datasets/dataset.h"
#include "experiments/experiment_config.h"

namespace dflab {

Dataset load_experiment_dataset(const ExperimentConfig& exp);

struct SourceFold {
  std::string source;                      // held out: the fold tests on it
  std::vector<VideoItem> train, val, test; // copies: a fold's val carve-out changes splits
  std::size_t n_real = 0, n_fake = 0;      // of test
};

// Throws ConfigError (naming the experiment file) for fewer than two sources, a holdout source
// with no labelled videos (naming the sources there are), or a fold with no training videos.
std::vector<SourceFold> source_folds(const ExperimentConfig& exp, const Dataset& ds);

}  // namespace dflab
