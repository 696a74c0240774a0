#pragma once
// JSON views of the run store's records, shared by the CLI (`--json`) and report writers so every
// consumer sees the same field names. Undefined metric values are JSON null.
//
//   nlohmann::json doc = to_json(store.get_run(id));
//   doc["metrics"]["val"]["auc"]            // 0.95
//   doc["notes"]["val"]["tpr_at_fpr"]       // "fpr=1e-3" (only metrics with a note)

#include <string>

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

// The text of `doc` as the CLI prints it (`indent` spaces; -1: one line). Stored strings are
// whatever the user's files held (a Latin-1 comment in the TOML, a file name in another encoding):
// bytes that are not UTF-8 come out as U+FFFD instead of nlohmann's type_error 316, which would
// turn `dflab show --json` of such a run into an error.
std::string dump_json(const nlohmann::json& doc, int indent = 2);

}  // namespace dflab::store
