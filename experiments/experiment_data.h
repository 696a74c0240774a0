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

#include "datasets/dataset.h"
#include "experiments/experiment_config.h"

namespace dflab {

Dataset load_experiment_dataset(const ExperimentConfig& exp);

}  // namespace dflab
