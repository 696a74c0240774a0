// The training engine on an in-memory problem: schedules and losses against PyTorch, batch
// loading order, learning a separable problem, checkpoint/resume equal to an uninterrupted run.
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "experiments/builtin_plugins.h"
#include "experiments/training/batch_loader.h"
#include "experiments/training/checkpoint.h"
#include "experiments/training/face_crop_source.h"
#include "experiments/training/file_digest.h"
#include "experiments/training/lr_schedule.h"
#include "experiments/training/trainer.h"
#include "registry/process_memory.h"
#include "metrics/binary_metrics.h"
#include "modalities/aggregators/aggregator.h"
#include "modalities/models/model.h"
#include "tests/modalities/augment/blend_test_util.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

// Audio-like samples: 16 x 32 noise; fakes have rows 4..7 raised by `shift`. Each video has three
// windows; a video listed in `unusable` has none.
class MemorySource : public SampleSource {
 public:
  MemorySource(int n, std::uint64_t seed, float shift, std::set<int> unusable = {}) : shift_(shift), unusable_(std::move(unusable)) {
    for (int i = 0; i < n; ++i) videos_.push_back({"v" + std::to_string(i), i % 2, -1});
    seed_ = seed;
  }
  AugmentModality modality() const override { return AugmentModality::audio; }
  std::size_t size() const override { return videos_.size(); }
  const SourceVideo& video(std::size_t i) const override { return videos_.at(i); }
  std::size_t units(std::size_t i) const override { return unusable_.count(static_cast<int>(i)) ? 0 : 3; }
  AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const override {
    if (u >= units(i)) throw std::out_of_range("MemorySource: no unit " + std::to_string(u));
    std::mt19937_64 rng(seed_ * 1000 + i * 10 + u);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    AugmentSample s;
    s.modality = AugmentModality::audio;
    s.target = static_cast<float>(*videos_[i].label);
    s.feature = cv::Mat(16, 32, CV_32FC1);
    for (int r = 0; r < 16; ++r)
      for (int c = 0; c < 32; ++c)
        s.feature.at<float>(r, c) = noise(rng) + ((r >= 4 && r < 8 && s.target > 0.5f) ? shift_ : 0.0f);
    if (jitter && jitter_) s.feature += cv::Scalar(std::uniform_real_distribution<float>(-0.1f, 0.1f)(*jitter));
    return s;
  }
  InputNormalisation normalisation() const override { return {{0.0f}, {1.0f}, 0.0f}; }
  std::string missing_reason(std::size_t i) const override { return units(i) ? "" : "no_audio_stream"; }
  // Training batches hold exactly load(i, u, nullptr): what a closed-form reference recomputes.
  void without_jitter() { jitter_ = false; }

 private:
  bool jitter_ = true;
  std::vector<SourceVideo> videos_;
  std::uint64_t seed_ = 0;
  float shift_;
  std::set<int> unusable_;
};

std::unique_ptr<Model> tiny_model(const Registry& reg) {
  Params p = reg.defaults(kind::model, "mel_cnn");
  p.set("n_mels", std::int64_t{16});
  p.set("frames", std::int64_t{32});
  p.set("width", 0.25);
  return reg.create<Model>(kind::model, "mel_cnn", p);
}

TrainSettings tiny_settings(int epochs) {
  TrainSettings s;
  s.epochs = epochs;
  s.batch = 8;
  s.lr = 3e-3;
  s.workers = 2;
  s.device = "cpu";
  s.seed = 7;
  return s;
}

std::string temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("dflab_training_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

TEST(LrSchedule, MatchesPyTorchOneCycleAndCosine) {
  std::ifstream in(std::string(DFLAB_SOURCE_DIR) + "/tests/experiments/fixtures/lr_schedules.csv");
  ASSERT_TRUE(in) << "fixture missing";
  std::string line;
  std::getline(in, line);
  int checked = 0;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string kind, step, lr;
    std::getline(ss, kind, ',');
    std::getline(ss, step, ',');
    std::getline(ss, lr, ',');
    LrSchedule s;
    s.kind = parse_lr_schedule(kind);
    s.peak = 1e-3;
    s.total_steps = 37;
    EXPECT_NEAR(s.at(std::stoi(step)), std::stod(lr), 1e-12) << kind << " step " << step;
    ++checked;
  }
  EXPECT_EQ(checked, 74);
}

TEST(LrSchedule, StepAndConstant) {
  LrSchedule s;
  s.kind = LrSchedule::Kind::step;
  s.peak = 1.0;
  s.steps_per_epoch = 10;
  s.step_epochs = 2;
  s.step_gamma = 0.5;
  EXPECT_DOUBLE_EQ(s.at(0), 1.0);
  EXPECT_DOUBLE_EQ(s.at(19), 1.0);
  EXPECT_DOUBLE_EQ(s.at(20), 0.5);
  EXPECT_DOUBLE_EQ(s.at(45), 0.25);
  s.kind = LrSchedule::Kind::constant;
  EXPECT_DOUBLE_EQ(s.at(1000), 1.0);
  EXPECT_THROW(parse_lr_schedule("linear"), std::invalid_argument);
}

TEST(TrainingLoss, BceAndFocalWithLabelSmoothingMatchPyTorch) {
  // /usr/bin/python3: x=[2,-1,0.5,-3], t=[1,0,0,1], smoothing 0.1 -> F.binary_cross_entropy_with_logits
  // = 1.1094634532928467; focal (gamma 2) = (ce * (1 - p_t)**2).mean() = 0.6940452456474304
  const torch::Tensor x = torch::tensor({2.0f, -1.0f, 0.5f, -3.0f});
  const torch::Tensor t = torch::tensor({1.0f, 0.0f, 0.0f, 1.0f});
  EXPECT_NEAR(training_loss(x, t, "bce", 0.1, 2.0).item<double>(), 1.1094634532928467, 1e-6);
  EXPECT_NEAR(training_loss(x, t, "focal", 0.1, 2.0).item<double>(), 0.6940452456474304, 1e-6);
  EXPECT_THROW(training_loss(x, t, "hinge", 0.0, 2.0), std::invalid_argument);
}

TEST(BatchLoader, SameBatchesInPlanOrderWhateverTheWorkers) {
  MemorySource src(10, 1, 1.0f);
  std::vector<std::vector<SampleRef>> plan;
  for (std::size_t b = 0; b < 5; ++b) plan.push_back({{b * 2, 0}, {b * 2 + 1, 2}});
  std::vector<torch::Tensor> ref;
  for (int workers : {0, 1, 3}) {
    LoaderOptions lo;
    lo.workers = workers;
    lo.capacity = 2;
    lo.training = true;
    lo.seed = 5;
    BatchLoader loader(src, plan, lo);
    std::size_t k = 0;
    while (auto b = loader.next()) {
      EXPECT_EQ(b->index, k);
      EXPECT_EQ(b->x.sizes(), (std::vector<std::int64_t>{2, 1, 16, 32}));
      if (workers == 0) ref.push_back(b->x);
      else EXPECT_TRUE(torch::equal(b->x, ref[k])) << "batch " << k << " with " << workers << " workers";
      ++k;
    }
    EXPECT_EQ(k, 5u);
  }
}

TEST(BatchLoader, VideoSamplesBecomeNormalisedRgbPlanes) {
  AugmentSample s;
  s.frames.push_back(cv::Mat(2, 3, CV_8UC3, cv::Scalar(0, 128, 255)));   // B=0 G=128 R=255
  const torch::Tensor x = samples_to_tensor({s}, {{0.5f, 0.5f, 0.5f}, {0.5f, 0.25f, 1.0f}, 0.0f}, false);
  ASSERT_EQ(x.sizes(), (std::vector<std::int64_t>{1, 3, 2, 3}));
  EXPECT_NEAR(x[0][0][1][2].item<float>(), (1.0f - 0.5f) / 0.5f, 1e-6);            // R
  EXPECT_NEAR(x[0][1][0][0].item<float>(), (128.0f / 255.0f - 0.5f) / 0.25f, 1e-6);  // G
  EXPECT_NEAR(x[0][2][1][1].item<float>(), (0.0f - 0.5f) / 1.0f, 1e-6);            // B
}

TEST(BatchLoader, WorkerErrorReachesTheConsumer) {
  MemorySource src(4, 1, 1.0f);
  LoaderOptions lo;
  lo.workers = 2;
  BatchLoader loader(src, {{{0, 0}}, {{1, 7}}}, lo);   // unit 7 does not exist
  EXPECT_THROW(
      {
        while (loader.next()) {
        }
      },
      std::out_of_range);
}

TEST(Trainer, LearnsASeparableProblemAndSkipsUnusableVideos) {
  const Registry reg = builtin_registry();
  torch::manual_seed(7);
  auto model = tiny_model(reg);
  MemorySource train(40, 1, 1.5f, {3, 4});
  MemorySource val(20, 2, 1.5f, {5});
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  Trainer trainer(*model, train, &val, *agg, tiny_settings(4), {}, temp_dir("learn"));
  std::vector<EpochReport> epochs;
  trainer.on_epoch = [&](const EpochReport& e) { epochs.push_back(e); };
  const TrainResult r = trainer.fit(false);
  ASSERT_EQ(epochs.size(), 4u);
  EXPECT_EQ(r.epochs_run, 4);
  EXPECT_LT(epochs.back().train_loss, epochs.front().train_loss);
  ASSERT_TRUE(epochs.back().val_auc);
  EXPECT_GT(*epochs.back().val_auc, 0.95);
  EXPECT_EQ(epochs.front().samples, 38u * 3u);   // videos without units are not trained on
  std::vector<VideoScore> scores = predict_videos(*model, val, *agg, trainer.predict_settings());
  EXPECT_FALSE(scores[5].score);
  EXPECT_EQ(scores[5].missing_reason, "no_audio_stream");
  EXPECT_EQ(scores[4].unit_scores.size(), 3u);
  EXPECT_TRUE(fs::exists(r.best_checkpoint));
}

TEST(Trainer, BalancedSamplingDrawsBothClassesEqually) {
  const Registry reg = builtin_registry();
  auto model = tiny_model(reg);
  MemorySource train(30, 1, 1.0f, {0, 2, 4, 6, 8, 10});   // 15 fakes, 9 reals usable
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  TrainSettings s = tiny_settings(1);
  s.balanced_sampling = true;
  Trainer trainer(*model, train, nullptr, *agg, s, {}, temp_dir("balanced"));
  std::size_t n[2] = {0, 0};
  for (const auto& batch : trainer.epoch_plan(0))
    for (const SampleRef& ref : batch) ++n[*train.video(ref.video).label];
  EXPECT_EQ(n[0], n[1]);
  EXPECT_EQ(n[0] + n[1], 24u * 3u);
}

TEST(Trainer, OneClassIsRejected) {
  const Registry reg = builtin_registry();
  auto model = tiny_model(reg);
  std::set<int> odd;
  for (int i = 1; i < 10; i += 2) odd.insert(i);
  MemorySource train(10, 1, 1.0f, odd);   // only reals usable
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  EXPECT_THROW(Trainer(*model, train, nullptr, *agg, tiny_settings(1), {}, temp_dir("oneclass")), std::invalid_argument);
}

TEST(Trainer, EarlyStoppingStopsWhenValidationStopsImproving) {
  const Registry reg = builtin_registry();
  torch::manual_seed(3);
  auto model = tiny_model(reg);
  MemorySource train(24, 1, 2.0f);
  MemorySource val(12, 2, -2.0f);   // the cue is reversed in validation: learning makes it worse
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  TrainSettings s = tiny_settings(12);
  s.schedule = LrSchedule::Kind::constant;
  s.early_stopping = 2;
  std::vector<EpochReport> epochs;
  Trainer trainer(*model, train, &val, *agg, s, {}, temp_dir("early"));
  trainer.on_epoch = [&](const EpochReport& e) { epochs.push_back(e); };
  const TrainResult r = trainer.fit(false);
  EXPECT_TRUE(r.stopped_early);
  EXPECT_LT(r.epochs_run, 12);
  EXPECT_EQ(r.epochs_run, r.best_epoch + 1 + 2);   // two epochs without improvement after the best
  ASSERT_EQ(static_cast<int>(epochs.size()), r.epochs_run);
  for (const EpochReport& e : epochs)
    EXPECT_GE(*e.val_logloss, *epochs[static_cast<std::size_t>(r.best_epoch)].val_logloss);
  // The model holds the best epoch's weights, not the last epoch's.
  std::vector<VideoScore> v = predict_videos(*model, val, *agg, trainer.predict_settings());
  std::vector<int> labels;
  std::vector<double> probs;
  for (const VideoScore& x : v) {
    labels.push_back(*x.label);
    probs.push_back(*x.score);
  }
  EvaluateOptions eo;
  eo.bootstrap_samples = 0;
  EXPECT_NEAR(*evaluate(labels, probs, eo).value("logloss"), *r.best_val_logloss, 1e-9);
}

// logits = w . flatten(x) + b on 16 x 32 features: one optimiser step on it has a closed form, so
// the tests below can tell whether the optimiser, the loss, label smoothing and gradient clipping
// each reached the step (a trainer that ignored any of them would still "train").
class LinearProbe : public Model {
 public:
  LinearProbe() : fc_(torch::nn::LinearOptions(16 * 32, 1)) {}
  InputSpec input() const override {
    InputSpec in;
    in.modality = Modality::audio;
    in.channels = 1;
    in.height = 16;
    in.width = 32;
    return in;
  }
  torch::Tensor forward(const torch::Tensor& x) override { return fc_->forward(x.reshape({x.size(0), -1})).squeeze(1); }
  std::vector<torch::Tensor> parameters() const override { return fc_->parameters(); }
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override { return module_state(*fc_); }
  void train(bool on) override { fc_->train(on); }
  bool is_training() const override { return fc_->is_training(); }
  void to(const torch::Device& device) override { fc_->to(device); }
  // w (512 values) then b, as doubles.
  std::vector<double> flat() const {
    std::vector<double> out;
    const torch::Tensor w = fc_->weight.detach().reshape({-1}).to(torch::kFloat64);
    for (std::int64_t i = 0; i < w.numel(); ++i) out.push_back(w[i].item<double>());
    out.push_back(fc_->bias.detach()[0].item<double>());
    return out;
  }

 private:
  torch::nn::Linear fc_{nullptr};
};

// Every training sample of `src` as (features + a constant 1 for the bias, target), in doubles.
struct ProbeData {
  std::vector<std::vector<double>> x;
  std::vector<double> t;
};
ProbeData probe_data(const MemorySource& src) {
  ProbeData d;
  for (std::size_t i = 0; i < src.size(); ++i)
    for (std::size_t u = 0; u < src.units(i); ++u) {
      const AugmentSample s = src.load(i, u, nullptr);
      std::vector<double> row;
      for (int r = 0; r < s.feature.rows; ++r)
        for (int c = 0; c < s.feature.cols; ++c) row.push_back(s.feature.at<float>(r, c));
      row.push_back(1.0);
      d.x.push_back(std::move(row));
      d.t.push_back(s.target);
    }
  return d;
}

// The batch loss and its gradient for the parameters `theta` (w then b), written out from the
// definitions rather than through training_loss: smoothed target t' = t (1 - eps) + eps / 2,
// BCE = -(t' log p + (1 - t') log(1 - p)), focal = BCE * (1 - p_t)^gamma with p_t = p t' + (1 - p)(1 - t')
// (Lin et al. 2017); the gradient (BCE only) is mean((p - t') x).
struct LossAndGrad {
  double loss = 0;
  std::vector<double> grad;
};
LossAndGrad reference_loss(const ProbeData& d, const std::vector<double>& theta, double eps, bool focal, double gamma = 2) {
  LossAndGrad r;
  r.grad.assign(theta.size(), 0.0);
  const double n = static_cast<double>(d.x.size());
  for (std::size_t k = 0; k < d.x.size(); ++k) {
    double z = 0;
    for (std::size_t j = 0; j < theta.size(); ++j) z += theta[j] * d.x[k][j];
    const double p = 1 / (1 + std::exp(-z));
    const double t = d.t[k] * (1 - eps) + eps / 2;
    const double ce = -(t * std::log(p) + (1 - t) * std::log(1 - p));
    const double p_t = p * t + (1 - p) * (1 - t);
    r.loss += (focal ? ce * std::pow(1 - p_t, gamma) : ce) / n;
    for (std::size_t j = 0; j < theta.size(); ++j) r.grad[j] += (p - t) * d.x[k][j] / n;
  }
  return r;
}

double norm(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

// One epoch of one batch holding every sample, constant learning rate: exactly one step.
struct OneStep {
  std::vector<double> before, after;
  double reported_loss = 0;
  std::vector<double> delta() const {
    std::vector<double> d(before.size());
    for (std::size_t j = 0; j < d.size(); ++j) d[j] = after[j] - before[j];
    return d;
  }
};
TrainSettings one_step_settings() {
  TrainSettings s = tiny_settings(1);
  s.batch = 48;   // MemorySource(16, ...): 16 videos x 3 windows
  s.lr = 0.01;
  s.schedule = LrSchedule::Kind::constant;
  s.weight_decay = 0.0;
  s.momentum = 0.9;
  return s;
}
OneStep one_step(const MemorySource& src, const TrainSettings& s, const std::string& tag) {
  const Registry reg = builtin_registry();
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  torch::manual_seed(3);
  LinearProbe model;
  OneStep out;
  out.before = model.flat();
  Trainer trainer(model, src, nullptr, *agg, s, {}, temp_dir("one_step_" + tag));
  int steps = 0;
  trainer.on_step = [&](int, std::size_t, std::size_t, double) { ++steps; };
  trainer.on_epoch = [&](const EpochReport& e) { out.reported_loss = e.train_loss; };
  trainer.fit(false);
  EXPECT_EQ(steps, 1) << tag;
  out.after = model.flat();
  return out;
}

void expect_delta(const OneStep& got, const std::vector<double>& want, const std::string& what) {
  const std::vector<double> d = got.delta();
  ASSERT_EQ(d.size(), want.size());
  int bad = 0;
  for (std::size_t j = 0; j < d.size() && bad < 5; ++j)
    if (std::abs(d[j] - want[j]) > 1e-7 + 1e-4 * std::abs(want[j])) {
      ADD_FAILURE() << what << ": parameter " << j << " moved by " << d[j] << ", the closed form says " << want[j];
      ++bad;
    }
}

TEST(Trainer, EachOptimiserTakesItsClosedFormStep) {
  MemorySource train(16, 1, 2.0f);
  train.without_jitter();
  const ProbeData data = probe_data(train);
  ASSERT_EQ(data.x.size(), 48u);
  TrainSettings s = one_step_settings();
  s.weight_decay = 0.01;
  s.label_smoothing = 0.1;
  const double lr = s.lr, wd = s.weight_decay, eps = 1e-8;   // torch's default Adam eps
  std::map<std::string, std::vector<double>> deltas;
  for (const char* opt : {"sgd", "adam", "adamw"}) {
    s.optimizer = opt;
    const OneStep r = one_step(train, s, opt);
    const LossAndGrad ref = reference_loss(data, r.before, 0.1, false);
    std::vector<double> want(ref.grad.size());
    for (std::size_t j = 0; j < want.size(); ++j) {
      const double g = ref.grad[j], w = r.before[j];
      if (s.optimizer == "sgd") want[j] = -lr * (g + wd * w);   // first step: momentum buffer = gradient
      else if (s.optimizer == "adam") want[j] = -lr * (g + wd * w) / (std::abs(g + wd * w) + eps);   // L2 in the gradient; m/sqrt(v) = sign
      else want[j] = -lr * wd * w - lr * g / (std::abs(g) + eps);   // decoupled decay (Loshchilov & Hutter)
    }
    expect_delta(r, want, opt);
    EXPECT_NEAR(r.reported_loss, ref.loss, 1e-5) << opt;
    deltas[opt] = r.delta();
  }
  // The three closed forms differ here, so the optimiser choice is visible in the weights.
  const auto distance = [&](const char* a, const char* b) {
    double d = 0;
    for (std::size_t j = 0; j < deltas[a].size(); ++j) d += std::abs(deltas[a][j] - deltas[b][j]);
    return d;
  };
  EXPECT_GT(distance("sgd", "adam"), 1.0);      // 513 parameters, each ~lr apart
  EXPECT_GT(distance("adam", "adamw"), 1e-5);   // the decay term, lr * wd * |w| each
}

TEST(Trainer, LabelSmoothingAndFocalLossReachTheLossAndTheStep) {
  MemorySource train(16, 1, 2.0f);
  train.without_jitter();
  const ProbeData data = probe_data(train);
  TrainSettings s = one_step_settings();
  s.optimizer = "sgd";
  for (double smoothing : {0.0, 0.3}) {
    s.label_smoothing = smoothing;
    s.loss = "bce";
    const std::string tag = "bce_" + std::to_string(smoothing);
    const OneStep bce = one_step(train, s, tag);
    const LossAndGrad ref = reference_loss(data, bce.before, smoothing, false);
    EXPECT_NEAR(bce.reported_loss, ref.loss, 1e-5) << tag;
    std::vector<double> want(ref.grad.size());
    for (std::size_t j = 0; j < want.size(); ++j) want[j] = -s.lr * ref.grad[j];
    expect_delta(bce, want, tag);

    s.loss = "focal";
    const OneStep focal = one_step(train, s, "focal_" + tag);
    const double focal_ref = reference_loss(data, focal.before, smoothing, true, s.focal_gamma).loss;
    EXPECT_NEAR(focal.reported_loss, focal_ref, 1e-5) << "focal " << tag;
    EXPECT_LT(focal.reported_loss, ref.loss * 0.9) << "focal down-weights easy samples";
  }
  // The smoothing changes the loss by more than the tolerance above.
  const std::vector<double> theta = one_step(train, s, "theta").before;
  EXPECT_GT(std::abs(reference_loss(data, theta, 0.3, false).loss - reference_loss(data, theta, 0.0, false).loss), 1e-2);
}

TEST(Trainer, GradClipBoundsTheStepAsClipGradNormImplies) {
  MemorySource train(16, 1, 2.0f);
  train.without_jitter();
  const ProbeData data = probe_data(train);
  TrainSettings s = one_step_settings();
  s.optimizer = "sgd";
  const OneStep free_step = one_step(train, s, "unclipped");
  const LossAndGrad ref = reference_loss(data, free_step.before, 0.0, false);
  const double g_norm = norm(ref.grad);
  EXPECT_NEAR(norm(free_step.delta()), s.lr * g_norm, 1e-4 * s.lr * g_norm);

  // clip_grad_norm_(max_norm): the whole gradient scaled by max_norm / (norm + 1e-6) when larger.
  s.grad_clip = g_norm / 4;
  const OneStep clipped = one_step(train, s, "clipped");
  const double scale = s.grad_clip / (g_norm + 1e-6);
  std::vector<double> want(ref.grad.size());
  for (std::size_t j = 0; j < want.size(); ++j) want[j] = -s.lr * ref.grad[j] * scale;
  expect_delta(clipped, want, "clipped");
  EXPECT_NEAR(norm(clipped.delta()), s.lr * s.grad_clip, 1e-4 * s.lr * s.grad_clip);
  EXPECT_NEAR(norm(free_step.delta()) / norm(clipped.delta()), 4.0, 1e-3);

  // A bound above the gradient's norm changes nothing.
  s.grad_clip = g_norm * 2;
  expect_delta(one_step(train, s, "loose"), free_step.delta(), "loose clip");
}

struct Interrupt {};

TEST(Trainer, ResumeAfterAnInterruptionEqualsAnUninterruptedRun) {
  const Registry reg = builtin_registry();
  MemorySource train(24, 1, 1.0f);
  MemorySource val(12, 2, 1.0f);
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  TrainSettings s = tiny_settings(3);
  s.early_stopping = 0;

  torch::manual_seed(11);
  auto full = tiny_model(reg);
  const std::string full_dir = temp_dir("full");
  std::vector<double> full_losses;
  Trainer a(*full, train, &val, *agg, s, {}, full_dir);
  a.on_epoch = [&](const EpochReport& e) { full_losses.push_back(e.train_loss); };
  a.fit(false);
  // Compare the last weights (best.pt may be an earlier epoch): reload last.pt into a fresh model.
  auto full_last = tiny_model(reg);
  {
    torch::serialize::InputArchive ar;
    ar.load_from(full_dir + "/last.pt");
    read_model_state(*full_last, ar, "last.pt");
  }

  const std::string dir = temp_dir("resume");
  {
    torch::manual_seed(11);
    auto m = tiny_model(reg);
    Trainer b(*m, train, &val, *agg, s, {}, dir);
    b.on_epoch = [&](const EpochReport& e) {
      if (e.epoch == 1) throw Interrupt{};   // killed after epoch 2's checkpoint was written
    };
    EXPECT_THROW(b.fit(false), Interrupt);
  }
  torch::manual_seed(999);   // a different init: everything must come from the checkpoint
  auto resumed = tiny_model(reg);
  Trainer c(*resumed, train, &val, *agg, s, {}, dir);
  std::vector<EpochReport> resumed_reports;
  c.on_epoch = [&](const EpochReport& e) { resumed_reports.push_back(e); };
  const TrainResult r = c.fit(true);
  EXPECT_EQ(r.resumed_after, 1);
  // Epochs 1 and 2 are delivered again from last.pt (the kill came before epoch 2's report
  // reached its receiver), then epoch 3 is trained.
  ASSERT_EQ(resumed_reports.size(), 3u);
  for (int e = 0; e < 3; ++e) {
    EXPECT_EQ(resumed_reports[e].epoch, e);
    EXPECT_EQ(resumed_reports[e].restored, e < 2);
    EXPECT_DOUBLE_EQ(resumed_reports[e].train_loss, full_losses[e]);
    EXPECT_TRUE(resumed_reports[e].val_logloss.has_value());
  }
  auto resumed_last = tiny_model(reg);
  {
    torch::serialize::InputArchive ar;
    ar.load_from(dir + "/last.pt");
    read_model_state(*resumed_last, ar, "last.pt");
  }
  const auto sa = full_last->named_state();
  const auto sb = resumed_last->named_state();
  ASSERT_EQ(sa.size(), sb.size());
  for (std::size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(torch::equal(sa[i].second, sb[i].second)) << sa[i].first;
}

// Validation gets worse as the model learns (its fakes are shifted the other way), so the first
// epoch is the best one. A run interrupted after epoch 2 and resumed must still end on epoch 1's
// weights: the restored best logloss decides, not the first epoch trained after the restart.
TEST(Trainer, ResumeKeepsTheBestEpochOfTheUninterruptedRun) {
  const Registry reg = builtin_registry();
  MemorySource train(24, 1, 1.5f);
  MemorySource val(12, 2, -1.5f);
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  TrainSettings s = tiny_settings(4);
  s.early_stopping = 0;

  torch::manual_seed(11);
  auto full = tiny_model(reg);
  const std::string full_dir = temp_dir("best_full");
  std::vector<bool> full_best;
  Trainer a(*full, train, &val, *agg, s, {}, full_dir);
  a.on_epoch = [&](const EpochReport& e) { full_best.push_back(e.best); };
  const TrainResult fr = a.fit(false);
  ASSERT_EQ(full_best.size(), 4u);
  ASSERT_FALSE(full_best[2]) << "the problem must make epoch 3 worse than an earlier one";

  const std::string dir = temp_dir("best_resume");
  {
    torch::manual_seed(11);
    auto m = tiny_model(reg);
    Trainer b(*m, train, &val, *agg, s, {}, dir);
    b.on_epoch = [&](const EpochReport& e) {
      if (e.epoch == 1) throw Interrupt{};
    };
    EXPECT_THROW(b.fit(false), Interrupt);
  }
  auto resumed = tiny_model(reg);
  Trainer c(*resumed, train, &val, *agg, s, {}, dir);
  std::vector<bool> resumed_best;
  c.on_epoch = [&](const EpochReport& e) { resumed_best.push_back(e.best); };
  const TrainResult rr = c.fit(true);
  EXPECT_EQ(rr.best_epoch, fr.best_epoch);
  EXPECT_EQ(resumed_best, full_best);
  EXPECT_EQ(rr.best_checkpoint_sha256, fr.best_checkpoint_sha256);
  const auto sa = full->named_state();   // fit() leaves the best weights in the model
  const auto sb = resumed->named_state();
  for (std::size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(torch::equal(sa[i].second, sb[i].second)) << sa[i].first;
}

// A full disk (here: a file-size limit, which fails writes with EFBIG as ENOSPC would) while
// writing a checkpoint: a readable error naming the file, no temp file, the old checkpoint intact.
TEST(Checkpoint, AFailedWriteIsAReadableErrorAndLeavesNoTempFile) {
  const Registry reg = builtin_registry();
  auto model = tiny_model(reg);
  const std::string dir = temp_dir("full_disk");
  const std::string path = dir + "/best.pt";
  const std::string old_digest = save_model_checkpoint(*model, {{0.0f}, {1.0f}, 0.0f}, path);
  ASSERT_GT(fs::file_size(path), 4096u);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      save_model_checkpoint(*model, {{0.0f}, {1.0f}, 0.0f}, path);
      ::_exit(2);   // the write should have failed
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      ::_exit(what.find(path) != std::string::npos && what.find("File too large") != std::string::npos ? 0 : 3);
    } catch (...) {
      ::_exit(4);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "the process died instead of reporting the failed write";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  EXPECT_EQ(sha256_of_file(path), old_digest);
  auto same = tiny_model(reg);
  EXPECT_NO_THROW(load_model_checkpoint(*same, path));
}

TEST(Checkpoint, AChangedOrDamagedFileIsRefused) {
  const Registry reg = builtin_registry();
  auto model = tiny_model(reg);
  const std::string dir = temp_dir("digest");
  const std::string path = dir + "/best.pt";
  const std::string digest = save_model_checkpoint(*model, {{0.0f}, {1.0f}, 0.0f}, path);
  EXPECT_EQ(digest, sha256_of_file(path));
  EXPECT_EQ(digest.size(), 64u);
  // The sidecar is in sha256sum's format.
  std::ifstream side(path + ".sha256");
  std::string word, name;
  side >> word >> name;
  EXPECT_EQ(word, digest);
  EXPECT_EQ(name, "best.pt");
  auto other = tiny_model(reg);
  EXPECT_NO_THROW(load_model_checkpoint(*other, path, digest));
  EXPECT_THROW(load_model_checkpoint(*other, path, std::string(64, '0')), std::runtime_error);
  // One flipped bit in the middle of the file.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(fs::file_size(path) / 2));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(fs::file_size(path) / 2));
    f.put(static_cast<char>(c ^ 0x01));
  }
  try {
    load_model_checkpoint(*other, path);
    FAIL() << "a damaged checkpoint loaded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("changed or damaged"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(Checkpoint, TempFilesOfDeadProcessesAreRemoved) {
  const std::string dir = temp_dir("stale");
  fs::create_directories(dir + "/a/b");
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);   // its pid now belongs to no process
  const std::string dead = dir + "/a/b/last.pt.tmp" + std::to_string(child);
  const std::string live = dir + "/a/best.pt.tmp" + std::to_string(::getpid());
  const std::string other = dir + "/a/notes.tmpx";
  for (const std::string& f : {dead, live, other}) std::ofstream(f) << "x";
  const std::string staging = dir + "/cache/.tmp/abc123." + std::to_string(child) + ".0";
  fs::create_directories(staging);
  std::ofstream(staging + "/crop_000.png") << "x";
  std::vector<std::string> removed = remove_stale_temp_files(dir);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{dead, staging}));
  EXPECT_FALSE(fs::exists(staging));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
}

TEST(Checkpoint, WrongModelOrDamagedFileIsAClearError) {
  const Registry reg = builtin_registry();
  auto model = tiny_model(reg);
  const std::string dir = temp_dir("ckpt");
  save_model_checkpoint(*model, {{1.5f}, {2.0f}, -80.0f}, dir + "/m.pt");
  auto same = tiny_model(reg);
  const InputNormalisation norm = load_model_checkpoint(*same, dir + "/m.pt");
  EXPECT_EQ(norm.mean, std::vector<float>{1.5f});
  EXPECT_EQ(norm.silence, -80.0f);
  EXPECT_TRUE(torch::equal(same->named_state()[0].second, model->named_state()[0].second));

  Params p = reg.defaults(kind::model, "mel_cnn");
  p.set("n_mels", std::int64_t{16});
  p.set("frames", std::int64_t{32});
  p.set("width", 0.5);   // other channel counts
  auto other = reg.create<Model>(kind::model, "mel_cnn", p);
  try {
    load_model_checkpoint(*other, dir + "/m.pt");
    FAIL() << "loaded a checkpoint of another shape";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("shape"), std::string::npos) << e.what();
  }
  std::ofstream(dir + "/bad.pt") << "not a checkpoint";
  try {
    load_model_checkpoint(*same, dir + "/bad.pt");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.pt"), std::string::npos);
  }
}

// Face crops with 68 landmarks: videos alternate real (even) and fake (odd), two units each; a
// crop's pixels depend on (video, unit, jitter draw), so a test can tell which crop was loaded.
class MemoryFaceSource : public SampleSource {
 public:
  explicit MemoryFaceSource(int n) {
    for (int i = 0; i < n; ++i) videos_.push_back({"f" + std::to_string(i), i % 2, -1});
  }
  AugmentModality modality() const override { return AugmentModality::video; }
  std::size_t size() const override { return videos_.size(); }
  const SourceVideo& video(std::size_t i) const override { return videos_.at(i); }
  std::size_t units(std::size_t) const override { return 2; }
  AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const override {
    const std::uint64_t pick = jitter ? (*jitter)() % 1000 : 0;
    AugmentSample s = test::face_sample(1, 32, static_cast<float>(*videos_[i].label), 1 + i * 7 + u * 3 + pick * 11);
    return s;
  }
  InputNormalisation normalisation() const override { return {{0.0f, 0.0f, 0.0f}, {1.0f, 1.0f, 1.0f}, 0.0f}; }
  std::string missing_reason(std::size_t) const override { return ""; }

 private:
  std::vector<SourceVideo> videos_;
};

std::unique_ptr<Augmentation> augmentation(const Registry& reg, const std::string& name) {
  return reg.create<Augmentation>(kind::augmentation, name, reg.defaults(kind::augmentation, name));
}

// real_only = true (SBI): the epoch holds only real units, each twice in one batch (one copy to
// forge), half of every batch; reproducible from the seed.
TEST(Trainer, RealOnlyPlansPairsOfRealUnitsHalfToForge) {
  const Registry reg = builtin_registry();
  Params mp = reg.defaults(kind::model, "meso4");
  mp.set("input_size", std::int64_t{32});
  auto model = reg.create<Model>(kind::model, "meso4", mp);
  MemoryFaceSource train(10);   // 5 real videos x 2 units
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  auto blend = augmentation(reg, "self_blend");
  TrainSettings s = tiny_settings(1);
  s.batch = 4;
  s.real_only = true;
  Trainer trainer(*model, train, nullptr, *agg, s, {blend.get()}, temp_dir("real_only_plan"));
  const auto plan = trainer.epoch_plan(0);
  ASSERT_EQ(plan.size(), 5u);   // 10 real units, 2 a batch
  std::set<std::pair<std::size_t, std::size_t>> seen;
  for (const auto& batch : plan) {
    ASSERT_EQ(batch.size() % 2, 0u);
    std::size_t forged = 0;
    for (std::size_t k = 0; k < batch.size(); k += 2) {
      EXPECT_EQ(*train.video(batch[k].video).label, 0) << "a fake video in a real_only plan";
      EXPECT_EQ(batch[k].video, batch[k + 1].video);
      EXPECT_EQ(batch[k].unit, batch[k + 1].unit);
      EXPECT_FALSE(batch[k].forge);
      EXPECT_TRUE(batch[k + 1].forge);
      forged += batch[k + 1].forge;
      EXPECT_TRUE(seen.insert({batch[k].video, batch[k].unit}).second);
    }
    EXPECT_EQ(forged * 2, batch.size());
  }
  EXPECT_EQ(seen.size(), 10u);
  auto order = [](const std::vector<std::vector<SampleRef>>& p) {
    std::vector<std::size_t> o;
    for (const auto& b : p)
      for (const auto& r : b) o.push_back(r.video * 10 + r.unit);
    return o;
  };
  EXPECT_EQ(order(trainer.epoch_plan(0)), order(plan)) << "not reproducible from the seed";
  EXPECT_NE(order(trainer.epoch_plan(1)), order(plan)) << "the same order every epoch";

  // Without a blending augmentation, or without a usable real video, it is refused.
  auto flip = augmentation(reg, "hflip");
  EXPECT_THROW(Trainer(*model, train, nullptr, *agg, s, {flip.get()}, temp_dir("real_only_noblend")), std::invalid_argument);
  s.real_only = false;
  EXPECT_NO_THROW(Trainer(*model, train, nullptr, *agg, s, {flip.get()}, temp_dir("real_only_off")));
}

// The loader makes the forged copy fake through the blend and leaves the other copy as loaded:
// half of every batch has target 1, the pair shares its crop, and workers do not change a bit.
TEST(BatchLoader, RealOnlyBatchesAreHalfSelfBlendedFromRealUnits) {
  const Registry reg = builtin_registry();
  MemoryFaceSource src(6);
  auto blend = augmentation(reg, "self_blend");
  std::vector<std::vector<SampleRef>> plan = {{{0, 0, false}, {0, 0, true}, {2, 1, false}, {2, 1, true}},
                                              {{4, 0, false}, {4, 0, true}, {2, 0, false}, {2, 0, true}}};
  std::vector<torch::Tensor> ref;
  for (int workers : {0, 2}) {
    LoaderOptions lo;
    lo.workers = workers;
    lo.training = true;
    lo.real_only = true;
    lo.seed = 9;
    lo.augmentations = {blend.get()};
    BatchLoader loader(src, plan, lo);
    std::size_t k = 0;
    while (auto b = loader.next()) {
      ASSERT_EQ(b->target.size(0), 4);
      EXPECT_EQ(b->target.sum().item<float>(), 2.0f);
      for (std::int64_t i = 0; i < 4; ++i) {
        EXPECT_EQ(b->target[i].item<float>(), plan[k][static_cast<std::size_t>(i)].forge ? 1.0f : 0.0f);
        if (i % 2 == 1) {
          // Same crop under both copies: they differ only inside the blend mask, and do differ.
          const torch::Tensor d = (b->x[i] - b->x[i - 1]).abs();
          EXPECT_GT(d.max().item<float>(), 0.05f);
          EXPECT_GT((d == 0).to(torch::kFloat32).mean().item<float>(), 0.2f) << "the pair holds different crops";
        }
      }
      if (workers == 0) ref.push_back(b->x);
      else EXPECT_TRUE(torch::equal(b->x, ref[k])) << "batch " << k;
      ++k;
    }
    EXPECT_EQ(k, 2u);
  }
  // A forged ref without a blending augmentation is a programming error, not a silent real.
  LoaderOptions lo;
  lo.workers = 0;
  lo.training = true;
  lo.real_only = true;
  BatchLoader bad(src, {{{0, 0, false}, {0, 0, true}}}, lo);
  EXPECT_THROW(bad.next(), std::logic_error);
}

// A real_only model trains end to end on real faces alone.
TEST(Trainer, RealOnlyFitsOnRealVideosAlone) {
  const Registry reg = builtin_registry();
  torch::manual_seed(1);
  Params mp = reg.defaults(kind::model, "meso4");
  mp.set("input_size", std::int64_t{32});
  auto model = reg.create<Model>(kind::model, "meso4", mp);
  MemoryFaceSource train(8), val(4);
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  auto blend = augmentation(reg, "self_blend");
  TrainSettings s = tiny_settings(1);
  s.batch = 4;
  s.real_only = true;
  Trainer trainer(*model, train, &val, *agg, s, {blend.get()}, temp_dir("real_only_fit"));
  std::vector<EpochReport> epochs;
  trainer.on_epoch = [&](const EpochReport& e) { epochs.push_back(e); };
  trainer.fit(false);
  ASSERT_EQ(epochs.size(), 1u);
  EXPECT_EQ(epochs[0].samples, 2u * 4u * 2u);   // 4 real videos x 2 units, each twice
  EXPECT_TRUE(std::isfinite(epochs[0].train_loss));
  EXPECT_TRUE(epochs[0].val_auc.has_value()) << "validation keeps real and fake videos";
}

// face_blend's partner (PartnerKind::real) is a sample of another real video: with one flat
// colour per video, the blended face centre shows which video the partner came from.
TEST(BatchLoader, FaceBlendTakesItsPartnerFromAnotherRealVideo) {
  class FlatFaces : public SampleSource {
   public:
    AugmentModality modality() const override { return AugmentModality::video; }
    std::size_t size() const override { return videos_.size(); }
    const SourceVideo& video(std::size_t i) const override { return videos_.at(i); }
    std::size_t units(std::size_t) const override { return 1; }
    AugmentSample load(std::size_t i, std::size_t, std::mt19937_64*) const override {
      AugmentSample s;
      s.modality = AugmentModality::video;
      s.target = static_cast<float>(*videos_[i].label);
      s.frames = {cv::Mat(32, 32, CV_8UC3, cv::Scalar::all(colour(i)))};
      s.landmarks = {test::face68(32, 32)};
      return s;
    }
    InputNormalisation normalisation() const override { return {{0.0f, 0.0f, 0.0f}, {1.0f, 1.0f, 1.0f}, 0.0f}; }
    std::string missing_reason(std::size_t) const override { return ""; }
    static double colour(std::size_t i) { return 20.0 + 30.0 * static_cast<double>(i); }

   private:
    std::vector<SourceVideo> videos_ = {{"r0", 0, -1}, {"f1", 1, -1}, {"r2", 0, -1}, {"f3", 1, -1}, {"r4", 0, -1}};
  } src;
  const Registry reg = builtin_registry();
  Params p = reg.defaults(kind::augmentation, "face_blend");
  p.set("p", 1.0);
  p.set("colour_correction", false);
  auto blend = reg.create<Augmentation>(kind::augmentation, "face_blend", p);
  LoaderOptions lo;
  lo.workers = 0;
  lo.training = true;
  lo.augmentations = {blend.get()};
  lo.hflip = false;
  std::set<int> partners_of_r0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    lo.seed = seed;
    BatchLoader loader(src, {{{0, 0}, {1, 0}, {2, 0}}}, lo);
    const Batch b = *loader.next();
    for (std::int64_t k = 0; k < 3; ++k) {
      EXPECT_EQ(b.target[k].item<float>(), 1.0f);
      const double centre = std::round(b.x[k][0][16][16].item<float>() * 255.0);
      const auto from = static_cast<int>(std::lround((centre - 20.0) / 30.0));
      EXPECT_EQ(from % 2, 0) << "sample " << k << ": partner from a fake video";
      EXPECT_NE(from, static_cast<int>(b.refs[static_cast<std::size_t>(k)].video)) << "partner from its own video";
      if (k == 0) partners_of_r0.insert(from);
    }
  }
  EXPECT_EQ(partners_of_r0, (std::set<int>{2, 4})) << "every other real video can be drawn";
}

TEST(FaceCropSource, LandmarksFollowTheResizeToTheModelInput) {
  const std::string dir = temp_dir("face_landmarks");
  const std::string video = dir + "/v.mp4";
  std::ofstream(video) << "pretend video bytes";
  FaceClip clip;
  clip.path = video;
  clip.status = ClipStatus::ok;
  clip.frames.push_back(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(0)));
  cv::circle(clip.frames[0], {40, 20}, 2, cv::Scalar::all(255), cv::FILLED);   // a mark at (40, 20)
  clip.timestamps_s.push_back(0.0);
  clip.frame_indices.push_back(0);
  clip.crop_boxes.emplace_back(0.0f, 0.0f, 64.0f, 64.0f);
  clip.face_boxes.emplace_back(0.0f, 0.0f, 64.0f, 64.0f);
  clip.detected.push_back(1);
  clip.landmarks.push_back(test::face68(64, 64));
  clip.landmarks[0][30] = {40.0f, 20.0f};
  const FaceCache cache(dir + "/cache");
  cache.store(clip, "params");
  const FaceCropEntry e = face_crop_entry({"v", 0, -1}, cache, video, "params");
  const AugmentSample s = FaceCropSource({e}, 32, 32, 1).load(0, 0, nullptr);
  ASSERT_EQ(s.landmarks.size(), 1u);
  ASSERT_EQ(s.landmarks[0].size(), 68u);
  // The point still sits on its mark: pixel centres map as cv::resize maps them.
  EXPECT_NEAR(s.landmarks[0][30].x, 19.75f, 1e-4);
  EXPECT_NEAR(s.landmarks[0][30].y, 9.75f, 1e-4);
  cv::Point max_at;
  cv::Mat grey;
  cv::cvtColor(s.frames[0], grey, cv::COLOR_BGR2GRAY);
  cv::minMaxLoc(grey, nullptr, nullptr, nullptr, &max_at);
  EXPECT_NEAR(max_at.x, s.landmarks[0][30].x, 1.0);
  EXPECT_NEAR(max_at.y, s.landmarks[0][30].y, 1.0);
  fs::remove_all(dir);
}

TEST(FaceCropSource, SamplesCarryTheCachedCropTimes) {
  const std::string dir = temp_dir("face_times");
  const std::string video = dir + "/v.mp4";
  std::ofstream(video) << "pretend video bytes";
  FaceClip clip;
  clip.path = video;
  clip.status = ClipStatus::ok;
  for (int i = 0; i < 3; ++i) {
    clip.frames.push_back(cv::Mat(16, 16, CV_8UC3, cv::Scalar(40.0 * i, 0, 0)));
    clip.timestamps_s.push_back(0.4 + 0.6 * i);   // crops sampled 0.6 s apart
    clip.frame_indices.push_back(12 + 18 * i);
    clip.crop_boxes.emplace_back(0.0f, 0.0f, 16.0f, 16.0f);
    clip.face_boxes.emplace_back(0.0f, 0.0f, 16.0f, 16.0f);
    clip.detected.push_back(1);
    clip.landmarks.emplace_back();
  }
  const FaceCache cache(dir + "/cache");
  cache.store(clip, "params");
  const FaceCropEntry e = face_crop_entry({"v", 1, -1}, cache, video, "params");
  ASSERT_EQ(e.crop_files.size(), 3u);
  EXPECT_EQ(e.timestamps_s, clip.timestamps_s);
  // T = 4 > 3 crops: the clip is padded with the last crop, at the last crop's time.
  const AugmentSample s = FaceCropSource({e}, 16, 16, 4).load(0, 0, nullptr);
  ASSERT_EQ(s.frames.size(), 4u);
  const std::vector<double>& t = clip.timestamps_s;
  EXPECT_EQ(s.timestamps_s, (std::vector<double>{t[0], t[1], t[2], t[2]}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dflab

// dflab's allocator policy (apps/main.cpp): a 64 MB tensor is neither a fresh mapping nor handed
// back to the kernel when freed, so the next step's activations do not page-fault in again.
TEST(TorchRuntime, FreedTensorMemoryStaysInTheProcess) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan's allocator replaces glibc malloc: mallopt has no effect there";
#endif
  setenv("DFLAB_MALLOC", "default", 1);
  EXPECT_FALSE(dflab::keep_freed_memory_in_process());   // the escape hatch leaves glibc as it is
  unsetenv("DFLAB_MALLOC");
  ASSERT_TRUE(dflab::keep_freed_memory_in_process());
  const struct mallinfo2 before = mallinfo2();
  {
    torch::Tensor big = torch::ones({16, 1024, 1024});   // 64 MB, over glibc's largest mmap threshold
    const struct mallinfo2 during = mallinfo2();
    EXPECT_EQ(during.hblkhd, before.hblkhd) << "the tensor was mapped with mmap";
    EXPECT_GE(during.arena, before.arena + (64u << 20) - (1u << 20));
  }
  const struct mallinfo2 after = mallinfo2();
  EXPECT_GE(after.arena, before.arena + (64u << 20) - (1u << 20)) << "the freed tensor was trimmed from the heap";
  EXPECT_GE(after.fordblks, 64u << 20);   // and is free for the next allocation
}
