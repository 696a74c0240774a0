#pragma once
// `dflab run`: one experiment file from videos to a leaderboard and a submission.
//
//   ExperimentConfig exp = load_experiment("examples/demo.toml", registry);
//   RunnerOptions opt;  opt.resume = true;  opt.callbacks.on_epoch = ...;
//   ExperimentResult r = run_experiment(exp, registry, opt);
//   for (const ResultRow& row : r.rows) print(row.name, row.val["auc"]);
//
// Stages: dataset (splits settled) → preprocess (cached faces and audio features) → for each
// [[models]] entry: train (trainer.h), predict val and test, score → for each fusion: fit on the
// models' validation scores, fuse → prediction.csv → (report). Every model and fusion is a run in
// the SQLite store with its config, parameters, epoch metrics, final metrics per split and
// per-video predictions.
//
// Validation scores of a learning fusion are out-of-fold (5 folds over the validation videos), so
// a stacking fusion is never scored on the videos it was fitted on. With [data] folds = k the
// models themselves are trained k times: validation scores are out-of-fold over train+val and
// test scores are the mean of the k models.
//
// A video a model cannot score (no face under the "prior" policy, no audio, a failed decode) gets
// the prior (the share of fakes in train) and is counted in the run's `prior_filled` metric.
// A model that fails (bad parameters, diverged training) is logged as failed and the experiment
// goes on with the others; nothing already logged is lost.
//
// Protocols ([data] protocol): "splits" trains on train, validates on val and tests on test as
// above. "leave_one_source_out" makes each source (datasets/dataset.h VideoItem::source) a fold:
// every model and fusion trains on the other sources (experiment_data.h source_folds) and is
// tested on all labelled videos of the held-out one, logged as the run MODEL@SOURCE with params
// protocol and held_out_source. The result then carries one SourceFoldResult per source and, per
// model and fusion, the mean test AUC and logloss over sources with a bootstrap interval
// (metrics/source_mean.h). A source with one class only is still trained and tested: its AUC is
// undefined (NULL in the store, left out of the mean AUC), its logloss counts. No prediction file
// is written under leave-one-source-out.
// When the dataset's videos come from more than one source, every run also logs its val and test
// metrics per source (store: metrics.source). Model runs log frame_auc (metrics/frame_auc.h) beside
// the video-level metrics, for the whole split and per source.
//
// Resume: a model whose run finished is not retrained (its stored predictions are reused); a run
// that was interrupted continues from its last checkpoint; fusions are recomputed into their
// existing runs. Logging is idempotent, so nothing is duplicated.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"
#include "experiments/preprocess.h"
#include "experiments/store/run_store.h"
#include "modalities/av/sync_curve.h"
#include "registry/registry.h"

namespace dflab {

struct EpochReport;
class DistributedGroup;

struct RunnerCallbacks {
  std::function<void(const std::string& stage)> on_stage;
  std::function<void(const std::string& message)> on_warning;
  std::function<void(std::size_t done, std::size_t total, const VideoPrep& last)> on_preprocess;
  // A training step of `model`: epoch (0-based) of epochs, step (1-based) of steps, batch loss.
  std::function<void(const std::string& model, int epoch, int epochs, std::size_t step, std::size_t steps, double loss)>
      on_train_step;
  std::function<void(const std::string& model, const EpochReport& epoch)> on_epoch;
};

// Distributed (RunnerOptions::group set, experiments/training/distributed.h): every rank runs this
// same function. Preprocessing: each rank first extracts its shard of the videos (by id hash, as
// `dflab extract --shard`), then reads the rest from the shared cache. Each model is trained by
// all ranks together (trainer.h: data-parallel); rank 0 decides for every rank whether a model is
// reused, continued or trained anew, and alone writes the store, the checkpoints, the val/test
// predictions, the fusions, prediction.csv and the report. The other ranks keep no store (an
// in-memory one), wait for rank 0 between models, and return after the last model with only
// their rows. leave_one_source_out is not distributed (a ConfigError says so).
struct RunnerOptions {
  bool resume = false;
  std::shared_ptr<DistributedGroup> group;   // null: one process
  std::string version = "dev";
  RunnerCallbacks callbacks;
};

struct ResultRow {
  std::string name, kind, plugin, modality;       // kind: model | fusion; name: the run's (MODEL@SOURCE in a fold)
  std::string entry;                              // the [[models]] name or fusion name it runs
  std::string held_out_source;                    // leave_one_source_out: the fold's source; else ""
  std::string status;                             // finished | reused | failed | skipped
  std::string message;                            // why it failed or was skipped
  std::int64_t run_id = 0;
  std::map<std::string, std::optional<double>> val, test;   // metric -> value (test only when labelled)
  double seconds = 0.0;
  std::int64_t n_parameters = 0;
  int prior_filled = 0;                           // val + test videos given the prior
};

// One held-out source of leave_one_source_out: its test videos by class, and the fold's training.
struct SourceFoldResult {
  std::string source;
  std::size_t n_real = 0, n_fake = 0;            // test videos (all labelled videos of the source)
  std::size_t n_train = 0, n_val = 0;            // of the other sources
};

// A model's or fusion's test metrics over the held-out sources (metrics/source_mean.h).
struct SourceSummary {
  std::string entry;                              // [[models]] name or fusion name
  std::optional<double> auc, logloss;             // mean over sources (AUC: those with both classes)
  int n_auc = 0;                                  // sources in the AUC mean
  std::optional<double> auc_low, auc_high, logloss_low, logloss_high;   // bootstrap 95 % interval
};

struct ExperimentResult {
  std::string experiment, db;
  std::vector<ResultRow> rows;
  std::string protocol = "splits";                // [data] protocol
  std::vector<SourceFoldResult> source_folds;      // leave_one_source_out, by source
  std::vector<SourceSummary> source_summary;       // leave_one_source_out, by entry
  std::size_t n_train = 0, n_val = 0, n_test = 0;
  PreprocessReport preprocess;
  std::string prediction_csv;     // written file, empty when there is no test split
  std::string submitted;          // the run whose test scores it holds
  std::string report;             // written HTML report, empty when off
  std::vector<std::string> warnings;
  double seconds = 0.0;
};

// Throws ConfigError for problems found before any work (dataset files, unbuildable plugins,
// an empty training split); per-video and per-model problems are recorded and the run goes on.
ExperimentResult run_experiment(const ExperimentConfig& exp, const Registry& registry, const RunnerOptions& options);

// `dflab predict`: scores new videos with a trained run of the store — a model run (its best
// checkpoint, the mean over folds with k-fold) or a fusion run (its input models, the fusion
// re-fitted on their stored validation predictions, which gives the same fusion as in the run).
// The experiment config stored with the run gives the preprocessing (an edited file on disk does
// not change what a run means); crops and features go through the experiment's caches, and each
// checkpoint's SHA-256 is checked against the store before it is loaded. A video that cannot be
// scored gets no score and a status saying why, unless the request asks for the run's prior.
struct PredictRequest {
  std::string db;                      // the run store
  std::string run;                     // "experiment/run", a run id, or a unique run name
  // Or, without a store: a model checkpoint (best.pt), the experiment file it was trained with
  // and the model's name there (may be empty when the file has one model). Prior: 0.5.
  std::string checkpoint, experiment_file, model;
  std::vector<std::string> videos;     // media files
  int threads = 0;                     // 0: the experiment's setting
  bool prior_on_error = false;         // give videos that cannot be scored the run's prior (0.5 for a checkpoint)
  RunnerCallbacks callbacks;
};

struct PredictedVideo {
  std::string name;                    // file name (the path when two requested files share one)
  std::string path;                    // as requested
  std::optional<double> score;         // P(fake); none when the video could not be scored
  // ok | no_face | no_audio | unreadable | missing
  std::string status;
  // What stands in for a missing input when the score exists anyway: center_crop (no face,
  // [video] no_face = "center_crop"), silence (no audio stream), prior (prior_on_error); "" for none.
  std::string substitute;
  std::string message;                 // why, naming the file; "" when ok
  // What preprocessing found (dflab serve reports it): face crops and those where the detector saw
  // a face (-1 when the run uses no video model or the file was never decoded); the face and audio
  // preprocessing status (VideoPrep's, "" when not used).
  int face_crops = -1, faces_detected = -1;
  std::string video_prep, audio_prep;
  // "ok", or the status with its substitute, e.g. "no_face+center_crop", "unreadable+prior".
  std::string status_text() const { return substitute.empty() ? status : status + "+" + substitute; }
};

struct PredictOutcome {
  std::string run;                     // experiment/run, or the checkpoint
  std::vector<PredictedVideo> videos;  // in request order
  std::vector<std::string> warnings;
};

// Throws std::runtime_error (or ConfigError) naming what is missing: the store, the run, its
// experiment file, a checkpoint.
PredictOutcome predict_with_run(Registry& registry, const PredictRequest& request);

// predict_with_run split in two for `dflab serve`: the constructor opens the store, reads the
// run's config and loads every checkpoint's model (throwing as predict_with_run does); predict()
// then scores videos with those models as often as asked. `work_dir` (optional) replaces the
// experiment's work folder for this call, so that the face and audio caches of one-off uploads go
// to a scratch folder the caller removes. One predict() at a time per object: the models are not
// shared between threads (give each thread its own RunPredictor).
class RunPredictor {
 public:
  RunPredictor(Registry& registry, const PredictRequest& request);   // request.videos is ignored
  ~RunPredictor();
  RunPredictor(const RunPredictor&) = delete;
  RunPredictor& operator=(const RunPredictor&) = delete;

  PredictOutcome predict(const std::vector<std::string>& videos, const std::string& work_dir = "");
  std::string run() const;                          // experiment/run, or the checkpoint
  const ExperimentConfig& experiment() const;       // the config the run was trained with

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// `dflab av sync`: where the voice of each video sits against its mouths, by an audio-visual model
// run (experiments/training/av_sync_curve.h): the run's stored config preprocesses the files
// (faces and audio-visual samples through the experiment's caches), its checkpoints score every
// stack of mouths against the audio shifted by -max_offset..max_offset sampled frames.
struct AvSyncRequest {
  std::string db, run;                 // the store and an av model run of it
  std::vector<std::string> videos;
  int max_offset = 15;                 // sampled frames either way
  int threads = 0;                     // 0: the experiment's setting
  RunnerCallbacks callbacks;
};

struct AvSyncVideo {
  std::string name, path;
  // ok | missing | unreadable | no_face | no_audio | too_short (fewer sampled frames than a stack)
  std::string status;
  std::string message;                 // why, naming the file; "" when ok
  std::optional<SyncCurve> curve;      // when ok
  // When the run was trained with score = "sync" and the search covers its range: the run's
  // calibrated P(fake) of this video (what `dflab predict --run` gives).
  std::optional<double> fake_probability;
};

struct AvSyncOutcome {
  std::string run;                     // experiment/run
  std::vector<AvSyncVideo> videos;     // in request order
  std::vector<std::string> warnings;
};

// Throws std::runtime_error when the store or run is missing, or the run is not a finished av model run.
AvSyncOutcome av_sync_with_run(Registry& registry, const AvSyncRequest& request);

// The experiment config stored with a run of the store (its experiment file's folder still resolves
// relative paths). Throws std::runtime_error for a run not made by `dflab run`.
ExperimentConfig load_run_experiment(const store::RunStore& store, store::RunId run, Registry& registry);
// The [[models]] entry a model run trained (MODEL or MODEL@SOURCE); throws std::runtime_error when
// the stored config has none of that name.
const ModelEntry& model_entry_of_run(const ExperimentConfig& exp, const store::RunDetail& detail);

// Writes `video_name,score` (ffdv) or `filename,label` (dfdc) rows in the given order, atomically.
// Scores are clipped to [clip_low, clip_high]. Throws std::runtime_error naming the file.
void write_prediction_csv(const std::string& path, const std::string& format,
                          const std::vector<std::pair<std::string, double>>& rows, double clip_low, double clip_high);

}  // namespace dflab
