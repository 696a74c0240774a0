#pragma once
// The record each preprocessing shard leaves beside the shared cache, and the summary of all of
// them: n jobs of a scheduler (`dflab extract exp.toml --shard i/n`) fill one cache; each writes
// only its own outcome file, so no two jobs ever write the same file.
//
//   write_shard_outcome(exp, shard, ShardOutcome::running(shard, n_videos));   // at the start
//   ... preprocess ...
//   write_shard_outcome(exp, shard, ShardOutcome::finished(shard, report));
//   ShardSummary s = summarise_shards(exp);   // `dflab extract exp.toml --status`
//
// Files: <work_dir>/cache/shards/shard-<i>-of-<n>.json, written to a temp file and renamed. Each
// carries a fingerprint of the preprocessing settings: a file made with other settings (another
// detector, crop size or audio feature) counts as missing, as its cache entries would.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datasets/shard.h"
#include "experiments/experiment_config.h"
#include "experiments/preprocess.h"

namespace dflab {

// A video's preprocessing outcome in three counts: computed now, read from the cache, or failed
// (VideoPrep::unusable: no decodable video or audio). A video with no face is not failed.
struct ExtractCounts {
  std::size_t computed = 0, cached = 0, failed = 0;
  static ExtractCounts of(const std::vector<VideoPrep>& videos);
  std::size_t total() const { return computed + cached + failed; }
};

struct ShardOutcome {
  Shard shard;
  std::string state;          // running | done | failed | interrupted
  std::string message;        // why a shard failed (the error), "" otherwise
  std::string fingerprint;    // of the preprocessing settings (preprocess_fingerprint)
  std::size_t n_videos = 0;   // assigned to this shard
  ExtractCounts counts;
  std::vector<std::string> failed_videos;   // "id: reason"
  std::string host;
  long long pid = 0;
  std::string started, finished;   // UTC, ISO 8601
  double seconds = 0.0;
};

// What determines the cache entries of an experiment's preprocessing (face, audio and av settings).
std::string preprocess_fingerprint(const ExperimentConfig& exp);
std::string shard_outcome_dir(const ExperimentConfig& exp);
std::string shard_outcome_path(const ExperimentConfig& exp, const Shard& shard);

// Atomic (temp file + rename). Throws std::runtime_error naming the file.
void write_shard_outcome(const ExperimentConfig& exp, const ShardOutcome& outcome);
// nullopt when absent; throws std::runtime_error naming the file when it cannot be parsed.
std::optional<ShardOutcome> read_shard_outcome(const std::string& path);

struct ShardSummary {
  int count = 0;                          // n of the shards summarised (0: no outcome file)
  std::vector<int> other_counts;          // other n found (older runs with another split)
  // Per shard index: "done", "failed" (the job stopped on an error), "running" (started, not
  // finished: still running, or killed), "interrupted", "missing" (no file, or one made with
  // other settings). Videos that failed in a done shard are counted in `counts`, not here.
  std::vector<std::string> states;
  std::vector<std::optional<ShardOutcome>> outcomes;
  std::map<std::string, int> n_by_state;
  ExtractCounts counts;                   // summed over the shards that have a file
  bool complete() const { return count > 0 && n_by_state.count("done") && n_by_state.at("done") == count; }
};

// Reads every outcome file under shard_outcome_dir; summarises the n of the most recent file.
ShardSummary summarise_shards(const ExperimentConfig& exp);

}  // namespace dflab
