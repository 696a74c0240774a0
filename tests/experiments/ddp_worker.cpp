// A helper process for distributed_test.cpp: trains a tiny model on tiny in-memory data, alone or
// as one rank of a process group (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT from the
// environment), then writes its final weights and per-epoch numbers to OUT.<rank>.
//
//   ddp_worker OUT CKPT_DIR BATCH EPOCHS [resume] [timeout_s]
//
// Model: a two-layer perceptron without batch norm, so that 2 ranks x batch b and 1 process x
// batch 2b compute the same gradients (per-rank batch statistics would differ from the whole
// batch's). DDP_WORKER_BATCH_NORM=local|sync in the environment puts a batch norm between the
// layers, trained with sync_bn off or on. Data: 24 videos x 2 windows of 16 x 32 values, fakes
// shifted.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>

#include "experiments/builtin_plugins.h"
#include "experiments/training/distributed.h"
#include "experiments/training/trainer.h"
#include "registry/registry.h"

namespace dflab {
namespace {

class TinySource : public SampleSource {
 public:
  explicit TinySource(int n, int offset) : offset_(offset) {
    for (int i = 0; i < n; ++i) videos_.push_back({"v" + std::to_string(i + offset), (i + offset) % 2, -1});
  }
  AugmentModality modality() const override { return AugmentModality::audio; }
  std::size_t size() const override { return videos_.size(); }
  const SourceVideo& video(std::size_t i) const override { return videos_.at(i); }
  std::size_t units(std::size_t) const override { return 2; }
  AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64*) const override {
    std::mt19937_64 rng(1000 + (i + static_cast<std::size_t>(offset_)) * 10 + u);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    AugmentSample s;
    s.modality = AugmentModality::audio;
    s.target = static_cast<float>(*videos_[i].label);
    s.feature = cv::Mat(16, 32, CV_32FC1);
    for (int r = 0; r < 16; ++r)
      for (int c = 0; c < 32; ++c) s.feature.at<float>(r, c) = noise(rng) + (r < 4 && s.target > 0.5f ? 0.7f : 0.0f);
    return s;
  }
  InputNormalisation normalisation() const override { return {{0.0f}, {1.0f}, 0.0f}; }
  std::string missing_reason(std::size_t) const override { return ""; }

 private:
  int offset_;
  std::vector<SourceVideo> videos_;
};

class Perceptron : public Model {
 public:
  explicit Perceptron(bool batch_norm) {
    // No bias before a batch norm: its gradient is zero up to rounding, which Adam would turn into
    // steps of size lr in arbitrary directions.
    net_->push_back(torch::nn::Linear(torch::nn::LinearOptions(16 * 32, 8).bias(!batch_norm)));
    if (batch_norm) net_->push_back(nn::BatchNorm1d(8));
    net_->push_back(torch::nn::Functional(torch::relu));
    net_->push_back(torch::nn::Linear(8, 1));
  }
  InputSpec input() const override {
    InputSpec in;
    in.modality = Modality::audio;
    in.channels = 1;
    in.height = 16;
    in.width = 32;
    return in;
  }
  torch::Tensor forward(const torch::Tensor& x) override { return net_->forward(x.reshape({x.size(0), -1})).squeeze(1); }
  std::vector<torch::Tensor> parameters() const override { return net_->parameters(); }
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override { return module_state(*net_); }
  void train(bool on) override { net_->train(on); }
  bool is_training() const override { return net_->is_training(); }
  void to(const torch::Device& device) override { net_->to(device); }

 private:
  torch::nn::Sequential net_;
};

int worker(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: ddp_worker OUT CKPT_DIR BATCH EPOCHS [resume] [timeout_s]\n";
    return 2;
  }
  const std::string out = argv[1], ckpt = argv[2];
  const int batch = std::atoi(argv[3]), epochs = std::atoi(argv[4]);
  const bool resume = argc > 5 && std::string(argv[5]) == "resume";
  const int timeout_s = argc > 6 ? std::atoi(argv[6]) : 60;
  torch::set_num_threads(1);
  std::shared_ptr<DistributedGroup> group;
  if (auto env = DistributedEnv::from_environment(); env && env->world_size > 1) {
    DistributedOptions o;
    o.backend = "gloo";
    o.timeout = std::chrono::seconds(timeout_s);
    o.rendezvous_timeout = std::chrono::seconds(timeout_s);
    group = DistributedGroup::join(*env, o);
  }
  Registry reg;
  register_builtin_plugins(reg);
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  TinySource train(24, 0), val(10, 100);   // 10 val videos: an uneven split over 2 or 3 ranks
  const char* bn = std::getenv("DDP_WORKER_BATCH_NORM");
  const std::string batch_norm = bn ? bn : "";
  torch::manual_seed(3);
  Perceptron model(!batch_norm.empty());
  TrainSettings s;
  s.epochs = epochs;
  s.batch = batch;
  s.optimizer = "adamw";
  s.lr = 1e-2;
  s.workers = 0;
  s.device = "cpu";
  s.seed = 11;
  s.sync_bn = batch_norm == "sync";
  Trainer trainer(model, train, &val, *agg, s, {}, ckpt);
  if (group) trainer.distribute(group);
  std::ofstream f(out + "." + std::to_string(group ? group->rank() : 0));
  f.precision(17);
  trainer.on_epoch = [&](const EpochReport& e) {
    f << "epoch " << e.epoch << " loss " << e.train_loss << " val_logloss " << e.val_logloss.value_or(-1) << " samples "
      << e.samples << "\n";
  };
  try {
    const TrainResult r = trainer.fit(resume);
    f << "best_epoch " << r.best_epoch << "\n";
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  for (const auto& [name, t] : model.named_state()) {
    const torch::Tensor d = t.detach().reshape({-1}).to(torch::kFloat64).contiguous();
    f << "tensor " << name;
    for (std::int64_t i = 0; i < d.numel(); ++i) f << " " << d.data_ptr<double>()[i];
    f << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace dflab

int main(int argc, char** argv) {
  try {
    return dflab::worker(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
