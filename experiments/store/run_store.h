#pragma once
// The run store: every run of every model and fusion, with its config, parameters, per-epoch and
// final metrics, per-video predictions and artifacts, in one SQLite file (schema: SCHEMA.md).
// It knows nothing of models, datasets or metric code: metrics arrive as names and numbers.
//
//   RunStore store = RunStore::open("runs/dflab.sqlite");          // created (with parent dirs)
//   ExperimentId exp = store.experiment("ffdv-av-baseline");       // get-or-create
//   RunId run = store.begin_run({exp, "video-effnet", "efficientnet_b0", "video",
//                                RunKind::model, toml_text, /*seed=*/42, "0.1.0"});
//   store.log_params(run, {{"lr", "0.0003"}, {"epochs", "5"}});
//   for (int e = 0; e < epochs; ++e)
//     store.log_epoch_metrics(run, e, {{"train", "loss", 0.41}, {"val", "logloss", 0.38}});
//   store.log_predictions(run, "val", {{"a.mp4", 1, 0.93}, {"b.mp4", 0, 0.12}});  // one transaction
//   store.log_metrics(run, "val", {{"logloss", 0.31}, {"auc", 0.95},
//                                  {"tpr_at_fpr", 0.40, "fpr=1e-3"}});
//   store.log_metrics(run, "val", {{"auc", 0.91}}, /*source=*/"sadtalker");   // the split's sadtalker videos
//   store.add_artifact(run, "checkpoint", "runs/ckpt/video-effnet-e4.pt");
//   store.log_videos(exp, {{"c.mp4", "val", 1, "no_face", "no face track in 16 frames", "ok", "", ""}});
//   store.finish_run(run, RunStatus::finished);
//
//   Leaderboard lb = store.leaderboard({"auc", "val"});            // best first
//   std::vector<SourceMetric> by_source = store.source_metrics({"auc", "test"});   // per-source values
//   RunDetail d = store.get_run(store.resolve_run("ffdv-av-baseline/video-effnet"));
//
// Resuming (runner --resume): find the run instead of beginning a new one, then log again.
//   if (auto run = store.find_run("ffdv-av-baseline/video-effnet")) store.resume_run(*run);
//
// Re-logging is idempotent: params, metrics, epoch metrics and predictions are upserts on their
// natural keys (the last value wins), artifacts are unique per (run, kind, path), so a resumed run
// never duplicates rows. Every log_* call is one transaction; wrap several in `transaction()` to
// make them one (e.g. final metrics + predictions + finish_run, all or nothing).
//
// Concurrency: WAL mode and a busy timeout, so several processes may write one file at once (each
// write transaction waits for the lock instead of failing). A RunStore object is one connection:
// use one per thread. A killed writer loses only its uncommitted transaction.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiments/store/sqlite_handle.h"

namespace dflab::store {

using ExperimentId = std::int64_t;
using RunId = std::int64_t;

enum class RunKind { model, fusion, external };
enum class RunStatus { running, finished, failed, interrupted };

std::string to_string(RunKind kind);
std::string to_string(RunStatus status);
RunKind parse_run_kind(const std::string& text);       // throws StoreError listing the choices
RunStatus parse_run_status(const std::string& text);

struct StoreOptions {
  int busy_timeout_ms = 10000;   // how long a write waits for another process's lock
  bool create = true;            // false: a missing file is a StoreError (read commands)
  // WAL with synchronous=NORMAL survives any process crash; FULL also survives power loss at
  // the cost of an fsync per commit.
  bool synchronous_full = false;
};

struct NewRun {
  ExperimentId experiment_id = 0;
  std::string name{};
  std::string plugin{};
  std::string modality{};        // e.g. video, audio, av; free text
  RunKind kind = RunKind::model;
  std::string config_toml{};     // the full TOML of this run (or the whole experiment)
  std::optional<std::int64_t> seed{};
  std::string version{};         // dflab version that ran it
  // Filled with this host and process when left empty / 0 (mark_interrupted_runs uses them).
  std::string host{};
  std::int64_t pid = 0;
};

// One value of a final metric on a split. No value (std::nullopt, or NaN) = undefined, e.g. AUC
// with one class only; say why in `note` (also used for settings such as "fpr=1e-3").
struct Metric {
  std::string name{};
  std::optional<double> value{};
  std::string note{};
};

struct EpochMetric {
  std::string split{};           // train, val, ...
  std::string name{};            // loss, logloss, auc, lr, ...
  std::optional<double> value{};
};

struct Prediction {
  std::string video{};
  std::optional<int> label{};    // 0 real / 1 fake; nullopt for unlabelled (test) videos
  double score = 0.0;            // probability of fake
};

struct Artifact {
  std::string kind{};            // checkpoint, report, prediction_csv, ...
  std::string path{};
  std::string sha256{};          // of the file when it was logged ('' when not recorded)
};

// One video's preprocessing outcome in an experiment (table `videos`), logged by the runner after
// preprocessing so reports can say which videos were skipped and why.
struct VideoRecord {
  std::string video{};           // the dataset's video name
  std::string split{};           // train, val, test, ...
  std::optional<int> label{};    // 0 real / 1 fake; nullopt when unknown
  std::string video_status{};    // ok, partial, no_face, no_video, failed, off (experiments/preprocess.h)
  std::string video_message{};   // the reason, '' when ok
  std::string audio_status{};    // ok, no_audio_stream, unreadable, feature_error, off
  std::string audio_message{};
  std::string thumbnail{};       // path of a face crop image (PNG) in the face cache; '' if none
  std::string source{};          // where the video comes from (datasets/dataset.h VideoItem::source)
};

struct Experiment {
  ExperimentId id = 0;
  std::string name{};
  std::string created{};
};

struct RunSummary {
  RunId id = 0;
  ExperimentId experiment_id = 0;
  std::string experiment{};
  std::string name{};
  std::string plugin{};
  std::string modality{};
  RunKind kind = RunKind::model;
  RunStatus status = RunStatus::running;
  std::string started{};
  std::optional<std::string> finished{};
  std::optional<double> duration_s{};  // finished - started
  std::string host{};
  std::optional<std::int64_t> pid{};
  std::string version{};
  std::optional<std::int64_t> seed{};
};

struct MetricRow {
  std::string split{};
  std::string name{};
  std::optional<double> value{};
  std::string note{};
  std::string source{};          // '' = the whole split; else only that source's videos of it
};

struct EpochMetricRow {
  int epoch = 0;
  std::string split{};
  std::string name{};
  std::optional<double> value{};
};

struct RunDetail {
  RunSummary run{};
  std::string config_toml{};
  std::vector<std::pair<std::string, std::string>> params{};      // sorted by key
  std::vector<MetricRow> metrics{};                                // whole splits (source ''), by split, name
  std::vector<MetricRow> source_metrics{};                         // per source, by split, source, name
  std::vector<EpochMetricRow> epoch_metrics{};                     // by epoch, split, name
  std::vector<Artifact> artifacts{};                               // in logging order
  std::map<std::string, std::int64_t> prediction_counts{};        // split → videos
};

struct RunFilter {
  std::optional<std::string> experiment{};  // by name
  std::optional<RunStatus> status{};
};

struct LeaderboardQuery {
  std::string metric = "auc";
  std::string split = "val";
  std::optional<std::string> experiment{};  // by name; all experiments when empty
  std::optional<bool> ascending{};         // default: lower_is_better(metric)
};

struct LeaderboardRow {
  int rank = 0;                            // 1-based; runs without a value are ranked last
  RunSummary run{};
  std::optional<double> value{};           // the ranked metric
  std::map<std::string, std::optional<double>> metrics{};  // every metric of the run on the split
};

// Per-source values of one metric on one split (RunStore::source_metrics), for tables with one
// column per source (`dflab leaderboard --by source`).
struct SourceMetricQuery {
  std::string metric = "auc";
  std::string split = "test";
  std::optional<std::string> experiment{};  // by name; all experiments when empty
};

struct SourceMetric {
  RunSummary run{};
  std::string source{};
  std::optional<double> value{};
  std::string note{};
};

struct Leaderboard {
  std::string metric{};
  std::string split{};
  bool ascending = false;
  std::vector<LeaderboardRow> rows{};
};

// logloss, eer, loss, brier, mse, mae, fpr, names starting "fpr_" and names ending in
// "_loss"/"_error"/"_eer" rank ascending; everything else (auc, f1, tpr_at_fpr, ...) descending.
bool lower_is_better(const std::string& metric);

// Where the CLI looks for the database: $DFLAB_DB when set, else runs/dflab.sqlite (relative to
// the current directory).
std::string default_db_path();

class RunStore {
 public:
  // Opens (and with options.create, creates, including parent folders) the database, turns on WAL,
  // foreign keys and the busy timeout, and migrates an older schema. Throws StoreError for a
  // missing file (create = false), a file that is not a dflab database, or a newer schema.
  static RunStore open(const std::string& path, const StoreOptions& options = {});

  const std::string& path() const { return db_.path(); }
  int schema_version() const;

  // --- writing (each call is one transaction, or joins an open `transaction()`) --------------
  // Get-or-create; names are non-empty and contain no '/' (runs are addressed "experiment/run").
  ExperimentId experiment(const std::string& name);
  // A new row with status running, started now, this host and pid.
  RunId begin_run(const NewRun& run);
  // Continuing an interrupted run (runner --resume): status back to running, finished cleared,
  // host and pid set to this process. Logged rows are kept.
  void resume_run(RunId run);
  void log_params(RunId run, const std::vector<std::pair<std::string, std::string>>& params);
  void log_epoch_metrics(RunId run, int epoch, const std::vector<EpochMetric>& values);
  // `source` empty: the whole split; else the metrics of that source's videos in the split.
  void log_metrics(RunId run, const std::string& split, const std::vector<Metric>& values,
                   const std::string& source = "");
  void log_predictions(RunId run, const std::string& split, const std::vector<Prediction>& predictions);
  // Unique per (run, kind, path); logging the same file again updates its digest.
  void add_artifact(RunId run, const std::string& kind, const std::string& path, const std::string& sha256 = "");
  // Upserts per-video preprocessing outcomes on (experiment, split, video): the last call wins.
  void log_videos(ExperimentId experiment, const std::vector<VideoRecord>& videos);
  // Sets the final status (finished, failed or interrupted) and the finish time.
  void finish_run(RunId run, RunStatus status);
  // Runs still `running` that were started on this host by a process that no longer exists are
  // set to interrupted; returns their ids. Runs of other hosts are left alone (we cannot tell).
  std::vector<RunId> mark_interrupted_runs();

  // Groups several calls into one transaction: all or nothing. Commit it explicitly.
  //   { auto tx = store.transaction(); store.log_metrics(...); store.finish_run(...); tx.commit(); }
  Transaction transaction() { return Transaction(db_); }

  // --- reading ------------------------------------------------------------------------------
  std::vector<Experiment> experiments() const;
  std::optional<ExperimentId> find_experiment(const std::string& name) const;
  // As find_experiment, but a missing one is a StoreError listing the experiments there are.
  ExperimentId require_experiment(const std::string& name) const;
  std::vector<RunSummary> list_runs(const RunFilter& filter = {}) const;
  // "42" (an id), "experiment/run" (the latest run of that name), or "run" when exactly one run
  // anywhere has that name. nullopt when nothing matches; StoreError when "run" is ambiguous.
  std::optional<RunId> find_run(const std::string& ref) const;
  // As find_run, but a missing run is a StoreError that says how runs are named.
  RunId resolve_run(const std::string& ref) const;
  RunSummary run_summary(RunId run) const;   // StoreError when missing
  RunDetail get_run(RunId run) const;        // StoreError when missing
  std::vector<Prediction> predictions(RunId run, const std::string& split) const;   // by video
  // Preprocessing outcomes of an experiment, by split then video; `split` empty = every split.
  std::vector<VideoRecord> videos(ExperimentId experiment, const std::string& split = "") const;
  // Ranks whole-split metrics (source ''), as the `leaderboard` view does.
  Leaderboard leaderboard(const LeaderboardQuery& query) const;
  // Per-source rows of finished runs, by experiment, run id and source.
  std::vector<SourceMetric> source_metrics(const SourceMetricQuery& query) const;
  // Metric names present on `split` (of finished runs, optionally of one experiment), sorted.
  std::vector<std::string> metric_names(const std::string& split,
                                        const std::optional<std::string>& experiment = {}) const;

 private:
  explicit RunStore(Database db) : db_(std::move(db)) {}
  void require_run(RunId run) const;
  Database db_;
};

}  // namespace dflab::store
