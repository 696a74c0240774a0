#pragma once
// What determines a run's result, written down so that `dflab run --resume` reuses a run only when
// nothing that matters changed, and says what did when something has.
//
//   RunSettings s = model_run_settings(exp, exp.models[0]);   // "train.lr" -> "0.001", ...
//   std::string h = settings_hash(s);                          // stored with the run
//   for (const std::string& key : changed_settings(stored, s)) ...   // "train.lr", "model.width"
//
// A model run is determined by the seed, the data section (and the bytes of its label files),
// the preprocessing of its modality (sampling, detector, crop; or the audio feature) and its
// [[models]] entry: plugin and parameters, training settings, augmentations, aggregator. Not by
// where things are written (db, work_dir), the thread count, the loader's worker count (the loader
// is ordered: same batches for any count) or the experiment's name and description.

#include <map>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"

namespace dflab {

using RunSettings = std::map<std::string, std::string>;   // "section.key" -> canonical value

RunSettings model_run_settings(const ExperimentConfig& exp, const ModelEntry& model);
// A fusion is determined by its plugin and parameters and by its inputs' settings hashes.
RunSettings fusion_run_settings(const PluginChoice& fusion, const std::map<std::string, std::string>& input_hashes);

// SHA-256 (hex) over the sorted "key=value" lines.
std::string settings_hash(const RunSettings& settings);
std::string settings_to_json(const RunSettings& settings);
// Throws std::runtime_error for text that is not a JSON object of strings.
RunSettings settings_from_json(const std::string& json);
// Keys added, removed or changed between `before` and `after`, sorted.
std::vector<std::string> changed_settings(const RunSettings& before, const RunSettings& after);

}  // namespace dflab
