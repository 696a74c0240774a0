#pragma once
// JSON views of what the runner returns, shared by `dflab run --json` / `dflab predict --json` and
// the Python module (`dflab.run`, `dflab.predict`), so every consumer sees the same field names.
// Undefined metric values are JSON null.
//
//   nlohmann::json doc = to_json(run_experiment(exp, registry, options));
//   doc["rows"][0]["val"]["auc"]          // 0.95
//   doc["preprocess_failed"][0]["message"]  // "video failed: a.mp4: ..."

#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/runner.h"

namespace dflab {

// Videos whose file could not be used by preprocessing (as opposed to "no face" or "no audio
// stream", which the no_face / silence policies handle): their scores are the prior.
std::vector<const VideoPrep*> failed_videos(const PreprocessReport& report);
// "video failed: ...; audio unreadable: ...; av failed: ..." for one of failed_videos().
std::string failure_text(const VideoPrep& video);

// {experiment, db, n_train, n_val, n_test, rows: [{name, kind, plugin, modality, status, message,
//  run_id, entry, held_out_source, val: {metric: value}, test: {...}, seconds, n_parameters,
//  prior_filled}], prediction_csv, submitted, report, warnings, preprocess_failed: [{id, split,
//  path, video, audio, message}], preprocess: {computed, cached, failed}, seconds, protocol,
//  sources: {folds: [...], mean: [...]}}
nlohmann::json to_json(const ExperimentResult& result);

// {video, path, status, substitute (null when none), score (null when not scored), message (only
// when there is one)}
nlohmann::json to_json(const PredictedVideo& video);

}  // namespace dflab
