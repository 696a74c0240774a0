#include "experiments/training/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include <ATen/autocast_mode.h>

#include "experiments/training/checkpoint.h"
#include "experiments/training/distributed.h"
#include "experiments/training/file_digest.h"
#include "modalities/models/batch_norm.h"
#include "metrics/binary_metrics.h"
#include "registry/interrupt.h"

namespace dflab {

namespace fs = std::filesystem;

TrainSettings TrainSettings::from(const Params& p, std::uint64_t seed) {
  TrainSettings s;
  s.epochs = static_cast<int>(p.integer("epochs"));
  s.batch = static_cast<int>(p.integer("batch"));
  s.optimizer = p.string("optimizer");
  s.lr = p.real("lr");
  s.weight_decay = p.real("weight_decay");
  s.momentum = p.real("momentum");
  s.schedule = parse_lr_schedule(p.string("schedule"));
  s.step_epochs = static_cast<int>(p.integer("step_epochs"));
  s.step_gamma = p.real("step_gamma");
  s.loss = p.string("loss");
  s.focal_gamma = p.real("focal_gamma");
  s.label_smoothing = p.real("label_smoothing");
  s.balanced_sampling = p.boolean("balanced_sampling");
  s.early_stopping = static_cast<int>(p.integer("early_stopping"));
  s.grad_clip = p.real("grad_clip");
  s.device = p.string("device");
  s.mixed_precision = p.boolean("mixed_precision");
  s.workers = static_cast<int>(p.integer("workers"));
  s.samples_per_video = static_cast<int>(p.integer("samples_per_video"));
  s.tta_flip = p.boolean("tta_flip");
  s.real_only = p.boolean("real_only");
  s.sync_bn = p.boolean("sync_bn");
  s.score = p.string("score");
  s.sync_max_offset = static_cast<int>(p.integer("sync_max_offset"));
  s.seed = seed;
  return s;
}

torch::Tensor training_loss(const torch::Tensor& logits, const torch::Tensor& targets, const std::string& loss,
                            double label_smoothing, double focal_gamma) {
  const torch::Tensor t = targets * (1.0 - label_smoothing) + label_smoothing / 2.0;
  if (loss == "bce") return torch::binary_cross_entropy_with_logits(logits, t);
  if (loss != "focal") throw std::invalid_argument("unknown loss '" + loss + "' (bce, focal)");
  const torch::Tensor ce = torch::binary_cross_entropy_with_logits(logits, t, {}, {}, at::Reduction::None);
  const torch::Tensor p = torch::sigmoid(logits);
  const torch::Tensor p_t = p * t + (1 - p) * (1 - t);
  return (ce * torch::pow(1 - p_t, focal_gamma)).mean();
}

namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSettings& s, const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> trainable;
  for (const auto& p : params)
    if (p.requires_grad()) trainable.push_back(p);
  if (s.optimizer == "adamw")
    return std::make_unique<torch::optim::AdamW>(trainable, torch::optim::AdamWOptions(s.lr).weight_decay(s.weight_decay));
  if (s.optimizer == "adam")
    return std::make_unique<torch::optim::Adam>(trainable, torch::optim::AdamOptions(s.lr).weight_decay(s.weight_decay));
  if (s.optimizer == "sgd")
    return std::make_unique<torch::optim::SGD>(
        trainable, torch::optim::SGDOptions(s.lr).momentum(s.momentum).weight_decay(s.weight_decay));
  throw std::invalid_argument("unknown optimizer '" + s.optimizer + "' (adamw, adam, sgd)");
}

struct Counters {
  int last_epoch = -1;   // last finished epoch
  double best_logloss = std::numeric_limits<double>::infinity();
  int best_epoch = -1;
  int bad_epochs = 0;
  bool stopped = false;
  int world_size = 1;    // of the run that wrote the checkpoint
  std::vector<EpochReport> history;   // every finished epoch, for replay on resume
};

// One row per finished epoch: epoch, epochs, train_loss, lr, seconds, samples, val_logloss,
// val_auc (NaN when absent), best.
constexpr std::int64_t kHistoryColumns = 9;

torch::Tensor history_tensor(const std::vector<EpochReport>& history) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  torch::Tensor t = torch::empty({static_cast<std::int64_t>(history.size()), kHistoryColumns}, torch::kFloat64);
  auto a = t.accessor<double, 2>();
  for (std::size_t i = 0; i < history.size(); ++i) {
    const EpochReport& e = history[i];
    const double row[kHistoryColumns] = {static_cast<double>(e.epoch), static_cast<double>(e.epochs), e.train_loss,
                                         e.lr, e.seconds, static_cast<double>(e.samples),
                                         e.val_logloss.value_or(nan), e.val_auc.value_or(nan), e.best ? 1.0 : 0.0};
    for (std::int64_t k = 0; k < kHistoryColumns; ++k) a[static_cast<std::int64_t>(i)][k] = row[k];
  }
  return t;
}

std::vector<EpochReport> history_from(const torch::Tensor& t, const std::string& what) {
  if (t.dim() != 2 || t.size(1) != kHistoryColumns)
    throw std::runtime_error(what + ": checkpoint's epoch history has the wrong shape");
  const torch::Tensor d = t.to(torch::kCPU, torch::kFloat64).contiguous();
  auto a = d.accessor<double, 2>();
  auto opt = [](double v) { return std::isnan(v) ? std::optional<double>{} : std::optional<double>{v}; };
  std::vector<EpochReport> out;
  for (std::int64_t i = 0; i < d.size(0); ++i) {
    EpochReport e;
    e.epoch = static_cast<int>(a[i][0]);
    e.epochs = static_cast<int>(a[i][1]);
    e.train_loss = a[i][2];
    e.lr = a[i][3];
    e.seconds = a[i][4];
    e.samples = static_cast<std::size_t>(a[i][5]);
    e.val_logloss = opt(a[i][6]);
    e.val_auc = opt(a[i][7]);
    e.best = a[i][8] != 0.0;
    e.restored = true;
    out.push_back(e);
  }
  return out;
}

void write_counters(torch::serialize::OutputArchive& a, const Counters& c) {
  a.write("last_epoch", torch::tensor({static_cast<std::int64_t>(c.last_epoch)}), true);
  a.write("best_logloss", torch::tensor({c.best_logloss}, torch::kFloat64), true);
  a.write("best_epoch", torch::tensor({static_cast<std::int64_t>(c.best_epoch)}), true);
  a.write("bad_epochs", torch::tensor({static_cast<std::int64_t>(c.bad_epochs)}), true);
  a.write("stopped", torch::tensor({static_cast<std::int64_t>(c.stopped)}), true);
  a.write("history", history_tensor(c.history), true);
  a.write("world_size", torch::tensor({static_cast<std::int64_t>(c.world_size)}), true);
}

Counters read_counters(torch::serialize::InputArchive& a, const std::string& what) {
  Counters c;
  // A fresh tensor for every key: try_read into a defined tensor set_()s its storage but keeps
  // the old dtype, so reading the float64 best_logloss into the int64 last_epoch tensor made it
  // a meaningless integer and the first epoch after a resume was always taken as "best".
  auto need = [&](const char* key) {
    torch::Tensor t;
    if (!a.try_read(key, t, true)) throw std::runtime_error(what + ": checkpoint lacks '" + key + "'");
    return t;
  };
  c.last_epoch = static_cast<int>(need("last_epoch").item<std::int64_t>());
  c.best_logloss = need("best_logloss").item<double>();
  c.best_epoch = static_cast<int>(need("best_epoch").item<std::int64_t>());
  c.bad_epochs = static_cast<int>(need("bad_epochs").item<std::int64_t>());
  c.stopped = need("stopped").item<std::int64_t>() != 0;
  // Checkpoints written before the history existed resume without replay.
  // (A fresh tensor: try_read into a defined one set_()s its storage and keeps the old dtype.)
  torch::Tensor history;
  if (a.try_read("history", history, true)) c.history = history_from(history, what);
  torch::Tensor world;   // absent before distributed training existed: one process
  if (a.try_read("world_size", world, true)) c.world_size = static_cast<int>(world.item<std::int64_t>());
  return c;
}

// Some videos of another source, by index: one rank's share of the validation videos.
class SubsetSource : public SampleSource {
 public:
  SubsetSource(const SampleSource& all, std::vector<std::size_t> index) : all_(all), index_(std::move(index)) {}
  AugmentModality modality() const override { return all_.modality(); }
  std::size_t size() const override { return index_.size(); }
  const SourceVideo& video(std::size_t i) const override { return all_.video(index_.at(i)); }
  std::size_t units(std::size_t i) const override { return all_.units(index_.at(i)); }
  AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const override {
    return all_.load(index_.at(i), u, jitter);
  }
  InputNormalisation normalisation() const override { return all_.normalisation(); }
  std::string missing_reason(std::size_t i) const override { return all_.missing_reason(index_.at(i)); }

 private:
  const SampleSource& all_;
  std::vector<std::size_t> index_;
};

// The model's tensors that are not parameters (batch-norm running statistics and counters).
std::vector<torch::Tensor> buffers_of(const Model& model) {
  std::set<const void*> params;
  for (const auto& p : model.parameters()) params.insert(p.data_ptr());
  std::vector<torch::Tensor> out;
  for (const auto& [name, t] : model.named_state())
    if (!params.count(t.data_ptr())) out.push_back(t);
  return out;
}

// Batch norm's statistics summed over the process group.
class GroupStatsReducer : public nn::BatchStatsReducer {
 public:
  explicit GroupStatsReducer(DistributedGroup& group) : group_(group) {}
  void all_reduce_sum(std::vector<torch::Tensor>& tensors) override { group_.all_reduce_sum(tensors); }

 private:
  DistributedGroup& group_;
};

// Every rank takes rank 0's `tensors` (in place, under no_grad: parameters are leaves).
void broadcast_from_main(DistributedGroup& group, std::vector<torch::Tensor> tensors) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> data;
  for (auto& t : tensors) data.push_back(t.detach());
  group.broadcast(data, 0);
}

}  // namespace

Trainer::Trainer(Model& model, const SampleSource& train, const SampleSource* val, const Aggregator& aggregator,
                 TrainSettings settings, std::vector<const Augmentation*> augmentations, std::string checkpoint_dir)
    : model_(model),
      train_(train),
      val_(val),
      aggregator_(aggregator),
      s_(std::move(settings)),
      augmentations_(std::move(augmentations)),
      dir_(std::move(checkpoint_dir)),
      device_(resolve_device(s_.device)) {
  bool has[2] = {false, false};
  for (std::size_t i = 0; i < train_.size(); ++i)
    if (train_.units(i) > 0 && train_.video(i).label) has[*train_.video(i).label != 0] = true;
  if (s_.real_only) {
    if (std::none_of(augmentations_.begin(), augmentations_.end(), [](const Augmentation* a) { return a->forges(); }))
      throw std::invalid_argument("real_only = true needs a blending augmentation (self_blend or face_blend) to make "
                                  "the fake half of each batch");
    if (!has[0]) throw std::invalid_argument("real_only = true: no real training video with usable inputs");
    return;
  }
  if (!has[0] || !has[1])
    throw std::invalid_argument(std::string("training needs real and fake videos with usable inputs; found ") +
                                (has[0] ? "only real ones" : has[1] ? "only fake ones" : "none"));
}

void Trainer::distribute(std::shared_ptr<DistributedGroup> group) {
  group_ = std::move(group);
  world_ = group_ ? group_->world_size() : 1;
  rank_ = group_ ? group_->rank() : 0;
  if (!group_) return;
  if (device_.is_cuda()) device_ = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(group_->local_rank()));
  else if (group_->backend() == "nccl")
    throw std::invalid_argument("backend nccl moves CUDA tensors; this model trains on " + device_.str() +
                                " (set device = \"cuda\" or backend = \"gloo\")");
}

std::vector<SampleRef> Trainer::rank_share(const std::vector<SampleRef>& global) const {
  if (world_ == 1) return global;
  // Contiguous, near-equal shares; real_only keeps each real unit beside its copy to forge.
  const std::size_t unit = s_.real_only ? 2 : 1;
  const std::size_t n = global.size() / unit, w = static_cast<std::size_t>(world_), r = static_cast<std::size_t>(rank_);
  const std::size_t begin = (n / w) * r + std::min(r, n % w), size = n / w + (r < n % w ? 1 : 0);
  return std::vector<SampleRef>(global.begin() + static_cast<std::ptrdiff_t>(begin * unit),
                                global.begin() + static_cast<std::ptrdiff_t>((begin + size) * unit));
}

PredictSettings Trainer::predict_settings() const {
  PredictSettings p;
  p.batch = s_.batch;
  p.workers = s_.workers;
  p.tta_flip = s_.tta_flip;
  p.sequence = model_.input().modality == Modality::sequence;
  p.device = device_;
  p.mixed_precision = s_.mixed_precision;
  return p;
}

std::vector<VideoScore> Trainer::predict_shared(const PredictSettings& ps) {
  // Video i is scored by rank i % world; the scores (NaN: none) are gathered to every rank, so
  // each computes the same validation metrics and takes the same best epoch and early stop.
  const std::size_t n = val_->size(), w = static_cast<std::size_t>(world_);
  std::vector<std::size_t> mine;
  for (std::size_t i = static_cast<std::size_t>(rank_); i < n; i += w) mine.push_back(i);
  const SubsetSource share(*val_, mine);
  const std::vector<VideoScore> local = predict_videos(model_, share, aggregator_, ps);
  const std::int64_t m = static_cast<std::int64_t>((n + w - 1) / w);
  torch::Tensor packed = torch::full({std::max<std::int64_t>(m, 1)}, std::numeric_limits<double>::quiet_NaN(), torch::kFloat64);
  for (std::size_t j = 0; j < local.size(); ++j)
    if (local[j].score) packed[static_cast<std::int64_t>(j)] = *local[j].score;
  const torch::Tensor all = group_->all_gather(packed);
  std::vector<VideoScore> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].id = val_->video(i).id;
    out[i].label = val_->video(i).label;
    const double v = all[static_cast<std::int64_t>(i % w)][static_cast<std::int64_t>(i / w)].item<double>();
    if (!std::isnan(v)) out[i].score = v;
  }
  return out;
}

std::vector<std::vector<SampleRef>> Trainer::epoch_plan(int epoch) const {
  std::mt19937_64 rng(mix_seed({s_.seed, static_cast<std::uint64_t>(epoch), 0x706c616eull}));
  std::vector<SampleRef> by_class[2];
  for (std::size_t i = 0; i < train_.size(); ++i) {
    const std::size_t n = train_.units(i);
    if (n == 0 || !train_.video(i).label) continue;
    std::vector<std::size_t> units(n);
    for (std::size_t u = 0; u < n; ++u) units[u] = u;
    if (s_.samples_per_video > 0 && static_cast<std::size_t>(s_.samples_per_video) < n) {
      std::shuffle(units.begin(), units.end(), rng);
      units.resize(static_cast<std::size_t>(s_.samples_per_video));
    }
    for (std::size_t u : units) by_class[*train_.video(i).label != 0].push_back({i, u});
  }
  std::vector<SampleRef> all;
  if (s_.real_only) {
    // SBI: batch/2 real units a batch, each beside its copy to forge (sbi.py collate_fn).
    std::vector<SampleRef> reals = by_class[0];
    std::shuffle(reals.begin(), reals.end(), rng);
    const std::size_t half = std::max<std::size_t>(1, static_cast<std::size_t>(s_.batch) / 2) * static_cast<std::size_t>(world_);
    std::vector<std::vector<SampleRef>> plan;
    for (std::size_t k = 0; k < reals.size(); k += half) {
      std::vector<SampleRef> batch;
      for (std::size_t j = k; j < std::min(reals.size(), k + half); ++j) {
        batch.push_back({reals[j].video, reals[j].unit, false});
        batch.push_back({reals[j].video, reals[j].unit, true});
      }
      plan.push_back(std::move(batch));
    }
    return plan;
  }
  if (s_.balanced_sampling) {
    // The same number of samples per epoch, half from each class, drawn with replacement.
    const std::size_t total = by_class[0].size() + by_class[1].size();
    for (int c = 0; c < 2; ++c) {
      std::uniform_int_distribution<std::size_t> pick(0, by_class[c].size() - 1);
      for (std::size_t k = 0; k < (total + 1 - static_cast<std::size_t>(c)) / 2; ++k) all.push_back(by_class[c][pick(rng)]);
    }
  } else {
    all = by_class[0];
    all.insert(all.end(), by_class[1].begin(), by_class[1].end());
  }
  std::shuffle(all.begin(), all.end(), rng);
  std::vector<std::vector<SampleRef>> plan;
  const auto b = static_cast<std::size_t>(s_.batch) * static_cast<std::size_t>(world_);   // the global batch
  for (std::size_t k = 0; k < all.size(); k += b) {
    const std::size_t end = std::min(all.size(), k + b);
    // A last batch of one sample (per rank) breaks batch norm in training mode: drop it (it is
    // seen in other epochs, the order changes every epoch).
    if (end - k < 2 * static_cast<std::size_t>(world_) && !plan.empty()) break;
    if (end - k < static_cast<std::size_t>(world_))
      throw std::invalid_argument("too few training samples (" + std::to_string(end - k) + ") for " +
                                  std::to_string(world_) + " ranks: every rank needs at least one per step");
    plan.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(k), all.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return plan;
}

TrainResult Trainer::fit(bool resume) {
  const auto t0 = std::chrono::steady_clock::now();
  TrainResult result;
  model_.to(device_);
  // As torch DDP: every rank starts from rank 0's weights (they are equal after a seeded init or
  // a pretrained load anyway; this makes it so).
  if (group_) {
    std::vector<torch::Tensor> state;
    for (const auto& [name, t] : model_.named_state()) state.push_back(t);
    broadcast_from_main(*group_, state);
  }
  std::unique_ptr<torch::optim::Optimizer> opt = make_optimizer(s_, model_.parameters());
  const std::string last_path = (fs::path(dir_) / "last.pt").string();
  const std::string best_path = (fs::path(dir_) / "best.pt").string();
  const bool writer = rank_ == 0;   // rank 0 alone writes checkpoints
  result.best_checkpoint = best_path;
  Counters c;
  const bool resuming = resume && fs::exists(last_path);
  if (group_) {
    // Every rank must resume from the same file: the checkpoint folder has to be on a filesystem
    // all ranks see (as the cache).
    const torch::Tensor seen = group_->all_gather(torch::tensor({static_cast<std::int64_t>(resuming)}));
    if (seen.min().item<std::int64_t>() != seen.max().item<std::int64_t>())
      throw std::runtime_error(last_path + ": seen by some ranks and not by others; resuming a distributed run needs "
                               "the checkpoint folder on a filesystem every rank reads");
  }
  if (resuming) {
    torch::serialize::InputArchive a;
    load_archive(a, last_path, device_);
    read_model_state(model_, a, last_path);
    torch::serialize::InputArchive opt_state;
    if (!a.try_read("optimizer", opt_state)) throw std::runtime_error(last_path + ": checkpoint lacks the optimiser state");
    opt->load(opt_state);
    c = read_counters(a, last_path);
    if (c.world_size != world_)
      throw std::runtime_error(last_path + ": written by a run of " + std::to_string(c.world_size) + " rank(s); it resumes "
                               "only with the same world size (--nproc " + std::to_string(c.world_size) + ", or WORLD_SIZE=" +
                               std::to_string(c.world_size) + "), since the batch of a step is batch x ranks; or "
                               "train it afresh without --resume");
    result.resumed_after = c.last_epoch;
    if (on_epoch)
      for (const EpochReport& e : c.history) on_epoch(e);
  } else if (writer) {
    std::error_code ec;
    for (const std::string& p : {last_path, best_path}) {
      fs::remove(p, ec);
      fs::remove(p + ".sha256", ec);
    }
  }

  const std::size_t steps_per_epoch = std::max<std::size_t>(1, epoch_plan(0).size());
  LrSchedule schedule;
  schedule.kind = s_.schedule;
  schedule.peak = s_.lr;
  schedule.total_steps = static_cast<int>(steps_per_epoch) * s_.epochs;
  schedule.steps_per_epoch = static_cast<int>(steps_per_epoch);
  schedule.step_epochs = s_.step_epochs;
  schedule.step_gamma = s_.step_gamma;
  const bool autocast = s_.mixed_precision && device_.is_cuda();
  if (autocast) at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
  const PredictSettings ps = predict_settings();
  c.world_size = world_;
  std::unique_ptr<GradientAverager> averager;
  if (group_) averager = std::make_unique<GradientAverager>(*group_, model_.parameters());
  std::optional<GroupStatsReducer> bn_reducer;
  std::optional<nn::SyncBatchNormScope> sync_bn;   // training steps only: validation is in eval mode
  if (group_ && s_.sync_bn) sync_bn.emplace(bn_reducer.emplace(*group_));

  for (int epoch = c.last_epoch + 1; epoch < s_.epochs && !c.stopped; ++epoch) {
    const auto e0 = std::chrono::steady_clock::now();
    torch::manual_seed(mix_seed({s_.seed, static_cast<std::uint64_t>(epoch), 0x746f726368ull}) >> 1);
    LoaderOptions lo;
    lo.workers = s_.workers;
    lo.training = true;
    lo.seed = s_.seed;
    lo.epoch = epoch;
    lo.augmentations = augmentations_;
    lo.real_only = s_.real_only;
    lo.sequence = ps.sequence;
    std::vector<std::vector<SampleRef>> plan = epoch_plan(epoch);
    const std::size_t steps = plan.size();
    std::vector<std::size_t> global_size(steps);
    for (std::size_t k = 0; k < steps; ++k) {
      global_size[k] = plan[k].size();
      plan[k] = rank_share(plan[k]);
    }
    const double allreduce_before = averager ? averager->seconds() : 0.0;
    BatchLoader loader(train_, std::move(plan), lo);
    model_.train();
    EpochReport rep;
    rep.epoch = epoch;
    rep.epochs = s_.epochs;
    double loss_sum = 0.0;
    std::size_t step = 0;
    while (std::optional<Batch> b = loader.next()) {
      // Stopping here loses only this epoch's steps: last.pt holds the previous epoch, and a
      // resumed run redoes this one from the same seeds.
      throw_if_interrupted();
      const int global = epoch * static_cast<int>(steps_per_epoch) + static_cast<int>(std::min(step, steps_per_epoch - 1));
      rep.lr = schedule.at(global);
      for (auto& g : opt->param_groups()) g.options().set_lr(rep.lr);
      opt->zero_grad();
      at::autocast::set_enabled(autocast);
      torch::Tensor logits = forward_batch(model_, *b, device_).to(torch::kFloat32);
      at::autocast::set_enabled(false);
      torch::Tensor loss = training_loss(logits, b->target.to(device_), s_.loss, s_.label_smoothing, s_.focal_gamma);
      auto diverged = [&](double l) {
        return std::runtime_error("training diverged: loss is " + std::to_string(l) + " at epoch " +
                                  std::to_string(epoch + 1) + " (lower lr, or set grad_clip)");
      };
      double l = loss.item<double>();
      if (!group_ && !std::isfinite(l)) throw diverged(l);
      loss.backward();
      if (group_) {
        // This rank's share of the global batch weighs its mean loss and gradient, so the sum
        // over ranks is the global batch's mean. Every rank then sees the same loss and stops
        // together when it is not finite.
        const double weight = static_cast<double>(b->refs.size()) / static_cast<double>(global_size[step]);
        averager->run(weight);
        std::vector<torch::Tensor> mean_loss = {torch::tensor({l * weight}, torch::kFloat64)};
        group_->all_reduce_sum(mean_loss);
        l = mean_loss[0].item<double>();
        if (!std::isfinite(l)) throw diverged(l);
      }
      if (s_.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model_.parameters(), s_.grad_clip);
      opt->step();
      loss_sum += l;
      rep.samples += global_size[step];
      ++step;
      if (on_step) on_step(epoch, step, steps, l);
      fault_point("train_step");
    }
    rep.train_loss = step ? loss_sum / static_cast<double>(step) : 0.0;
    if (averager) rep.allreduce_seconds = averager->seconds() - allreduce_before;
    // Rank 0's running statistics for everyone: the model validated is the one rank 0 saves.
    if (group_) broadcast_from_main(*group_, buffers_of(model_));

    if (val_) {
      std::vector<VideoScore> scores = group_ ? predict_shared(ps) : predict_videos(model_, *val_, aggregator_, ps);
      std::vector<int> labels;
      std::vector<double> probs;
      for (const VideoScore& v : scores)
        if (v.score && v.label) {
          labels.push_back(*v.label);
          probs.push_back(*v.score);
        }
      if (!labels.empty()) {
        EvaluateOptions eo;
        eo.bootstrap_samples = 0;
        const BinaryReport r = evaluate(labels, probs, eo);
        rep.val_logloss = r.value("logloss");
        rep.val_auc = r.value("auc");
      }
    }
    const double metric = rep.val_logloss.value_or(-static_cast<double>(epoch));   // no val: the latest is best
    if (metric < c.best_logloss) {
      c.best_logloss = metric;
      c.best_epoch = epoch;
      c.bad_epochs = 0;
      rep.best = true;
      if (writer) save_model_checkpoint(model_, train_.normalisation(), best_path);
    } else {
      ++c.bad_epochs;
    }
    c.last_epoch = epoch;
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - e0).count();
    c.history.push_back(rep);
    c.history.back().restored = true;
    if (s_.early_stopping > 0 && c.bad_epochs >= s_.early_stopping) c.stopped = true;
    if (writer) {
      torch::serialize::OutputArchive a;
      write_model_state(model_, train_.normalisation(), a);
      torch::serialize::OutputArchive opt_state;
      opt->save(opt_state);
      a.write("optimizer", opt_state);
      write_counters(a, c);
      save_archive(a, last_path);
    }
    fault_point("after_checkpoint");
    if (on_epoch) on_epoch(rep);
  }

  result.epochs_run = c.last_epoch + 1;
  result.best_epoch = c.best_epoch;
  if (val_ && std::isfinite(c.best_logloss) && c.best_logloss >= 0) result.best_val_logloss = c.best_logloss;
  result.stopped_early = c.stopped && c.last_epoch + 1 < s_.epochs;
  if (writer && fs::exists(best_path)) {
    load_model_checkpoint(model_, best_path);
    result.best_checkpoint_sha256 = sha256_of_file(best_path);
  }
  if (group_) {   // the best weights, without reading rank 0's file
    std::vector<torch::Tensor> state;
    for (const auto& [name, t] : model_.named_state()) state.push_back(t);
    broadcast_from_main(*group_, state);
  }
  model_.eval();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace dflab
