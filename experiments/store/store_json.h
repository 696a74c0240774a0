#pragma once
// JSON views of the run store's records, shared by the CLI (`--json`) and report writers so every
// consumer sees the same field names. Undefined metric values are JSON null.
//
//   nlohmann::json doc = to_json(store.get_run(id));
//   doc["metrics"]["val"]["auc"]            // 0.95
//   doc["notes"]["val"]["tpr_at_fpr"]       // "fpr=1e-3" (only metrics with a note)

#include <nlohmann/json.hpp>

#include "experiments/store/run_store.h"

namespace dflab::store {

nlohmann::json to_json(const RunSummary& run);
// {run: {...}, config_toml, params: {key: value}, metrics: {split: {name: value}},
//  notes: {split: {name: note}}, epochs: [{epoch, split, name, value}], artifacts: [{kind, path}],
//  predictions: {split: count}}
nlohmann::json to_json(const RunDetail& detail);
// {metric, split, ascending, rows: [{rank, value, run: {...}, metrics: {name: value}}]}
nlohmann::json to_json(const Leaderboard& leaderboard);

}  // namespace dflab::store
