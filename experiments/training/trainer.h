#pragma once
// The training engine: epochs of shuffled (optionally class-balanced, or real_only: half real,
// half self-blended from the same real units) batches from a loader,
// augmentations, an optimiser with a per-step learning-rate schedule, BCE or focal loss with
// label smoothing, gradient clipping, validation every epoch (video-level logloss and AUC through
// the aggregator), early stopping on validation logloss, and a checkpoint every epoch.
//
//   torch::manual_seed(seed);                         // before building the model: same init
//   auto model = registry.create<Model>(kind::model, "meso4", params);
//   Trainer trainer(*model, train_src, &val_src, *aggregator, TrainSettings::from(train_params, seed),
//                   augmentations, "runs/ckpt/video-meso4");
//   trainer.on_epoch = [&](const EpochReport& e) { store.log_epoch_metrics(...); };
//   TrainResult r = trainer.fit(/*resume=*/true);     // continues from last.pt when present
//   // the model now holds the best weights (lowest val logloss; the last epoch without val)
//
// Reproducibility: the model's initial weights come from torch's seed; every epoch reseeds torch
// (dropout) and draws its sample order and augmentations from (seed, epoch). Resuming restores
// weights, buffers, optimiser state and counters from last.pt, so an interrupted training ends
// with the same weights as an uninterrupted one (same seed, thread count and device).
//
// Checkpoints: <dir>/last.pt after every epoch (model, optimiser, counters), <dir>/best.pt when
// validation improves (model and input normalisation only: what `dflab predict` loads).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiments/training/batch_loader.h"
#include "experiments/training/inference.h"
#include "experiments/training/lr_schedule.h"
#include "experiments/training/sample_source.h"
#include "modalities/aggregators/aggregator.h"
#include "modalities/models/model.h"
#include "registry/params.h"

namespace dflab {

class DistributedGroup;

struct TrainSettings {
  int epochs = 5;
  int batch = 32;
  std::string optimizer = "adamw";   // adamw | adam | sgd
  double lr = 3e-4;
  double weight_decay = 1e-2;
  double momentum = 0.9;
  LrSchedule::Kind schedule = LrSchedule::Kind::one_cycle;
  int step_epochs = 10;
  double step_gamma = 0.1;
  std::string loss = "bce";          // bce | focal
  double focal_gamma = 2.0;
  double label_smoothing = 0.0;
  bool balanced_sampling = false;
  int early_stopping = 0;            // epochs without better val logloss; 0 = off
  double grad_clip = 0.0;            // max gradient norm; 0 = off
  std::string device = "auto";
  bool mixed_precision = false;      // bfloat16 autocast on CUDA (C++ has no GradScaler for fp16)
  int workers = 2;
  int samples_per_video = 0;         // units per video per epoch; 0 = all
  bool tta_flip = false;             // at validation and prediction
  // Train on real videos alone (SBI): each batch holds batch/2 real units, each beside a copy
  // that the model's blending augmentation makes fake; fake training videos are left out.
  bool real_only = false;
  // Distributed: batch statistics over every rank's share of the batch (modalities/models/batch_norm.h).
  bool sync_bn = false;
  // A video's score: "units" (aggregated unit scores) or "sync" (av models: calibrated offset
  // search, modalities/av/sync_calibration.h; the runner does it, the trainer only trains).
  std::string score = "units";
  int sync_max_offset = 15;
  std::uint64_t seed = 42;

  // From a validated [[models]] train table (experiment_schema "models.train").
  static TrainSettings from(const Params& train, std::uint64_t seed);
};

struct EpochReport {
  int epoch = 0;              // 0-based
  int epochs = 0;
  double train_loss = 0.0;    // mean over the epoch's batches
  double lr = 0.0;            // at the epoch's last step
  double seconds = 0.0;
  std::size_t samples = 0;
  std::optional<double> val_logloss, val_auc;
  bool best = false;          // improved the best val logloss (or no validation)
  // Replayed from last.pt when resuming: the epoch ran before the interruption. Its report is
  // delivered again because the process may have died after last.pt was written and before the
  // first delivery reached the store; receivers should write idempotently.
  bool restored = false;
  double allreduce_seconds = 0.0;   // distributed: spent averaging gradients in this epoch
};

struct TrainResult {
  int epochs_run = 0;         // including epochs restored from a checkpoint
  int best_epoch = -1;
  std::optional<double> best_val_logloss;
  bool stopped_early = false;
  int resumed_after = -1;     // the last finished epoch found in last.pt, -1 when started fresh
  double seconds = 0.0;       // of this call
  std::string best_checkpoint;
  std::string best_checkpoint_sha256;   // its SHA-256, for the store
};

class Trainer {
 public:
  // `val` may be null (no validation: the last epoch is the best). Throws std::invalid_argument
  // when the training source has no usable video or only one class; with real_only, when it
  // has no usable real video or no augmentation forges (self_blend, face_blend).
  Trainer(Model& model, const SampleSource& train, const SampleSource* val, const Aggregator& aggregator,
           TrainSettings settings, std::vector<const Augmentation*> augmentations, std::string checkpoint_dir);

  std::function<void(const EpochReport&)> on_epoch;
  // After every optimiser step: epoch, step within the epoch, steps in the epoch, batch loss.
  std::function<void(int, std::size_t, std::size_t, double)> on_step;

  TrainResult fit(bool resume);

  // Data-parallel training in a process group (distributed.h), as torch DDP: `batch` is per rank;
  // every rank draws the same seeded plan of global batches (batch x world size) and trains on
  // its contiguous share of each; gradients (and the loss) are averaged over the global batch
  // after backward, so every rank takes the same step. Batch-norm statistics are per rank in
  // forward (DDP without SyncBatchNorm); the running statistics are rank 0's, broadcast before
  // each validation and at the end. Validation videos are split over the ranks and their scores
  // gathered, so every rank reaches the same best epoch and early stop. Rank 0 alone writes
  // checkpoints; at the end every rank holds the best weights. Resuming needs the world size
  // that wrote last.pt (std::runtime_error otherwise).
  void distribute(std::shared_ptr<DistributedGroup> group);

  PredictSettings predict_settings() const;
  // Per-epoch sample list, in global batches (exposed for tests).
  std::vector<std::vector<SampleRef>> epoch_plan(int epoch) const;
  // This rank's share of a global batch (the whole batch in a single process).
  std::vector<SampleRef> rank_share(const std::vector<SampleRef>& global) const;

 private:
  Model& model_;
  const SampleSource& train_;
  const SampleSource* val_;
  const Aggregator& aggregator_;
  TrainSettings s_;
  std::vector<const Augmentation*> augmentations_;
  std::string dir_;
  torch::Device device_;
  std::vector<VideoScore> predict_shared(const PredictSettings& ps);   // validation split over ranks
  std::shared_ptr<DistributedGroup> group_;
  int world_ = 1, rank_ = 0;
};

// Mean loss of logits [N] against soft targets [N] in [0, 1] after label smoothing
// (t -> t * (1 - eps) + eps / 2). focal: BCE * (1 - p_t)^gamma (Lin et al. 2017, no alpha).
torch::Tensor training_loss(const torch::Tensor& logits, const torch::Tensor& targets, const std::string& loss,
                            double label_smoothing, double focal_gamma);

}  // namespace dflab
