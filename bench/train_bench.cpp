// Training and inference speed of dflab's libtorch models, images/s at batch 32: one training step
// = forward + BCE-with-logits + backward + AdamW step; inference = forward under NoGradGuard in
// eval mode. bench/run_train_bench.sh runs this and the python3-torch peer (bench/peers/
// train_peer.py: torchvision resnet18 with a 1-logit fc, the same Meso-4) alternately and writes
// the table of reports/train_bench.md.
//
// Memory as the dflab program has it: keep_freed_memory_in_process() (registry/process_memory.h)
// unless DFLAB_MALLOC=default; the JSON says which ("malloc").
//
//   dflab_train_bench [--threads=2] [--batch=32] [--budget_s=6] [resnet18:112 resnet18:224 meso4:256 ...]
//
// Per model and mode: one warm-up step (it allocates AdamW's state and the allocator caches), then
// steps until budget_s has passed (at least 3, at most 50), each timed alone; the medians of the
// per-step wall and process-CPU times are reported. Output: one JSON object per line on stdout.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "registry/process_memory.h"

#include "modalities/models/model.h"
#include "modalities/models/register_models.h"

namespace {

using namespace dflab;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Timing {
  std::vector<double> wall_s, cpu_s;
};

template <class Step>
Timing time_steps(Step&& step, int warmup, double budget_s) {
  for (int i = 0; i < warmup; ++i) step();
  Timing t;
  const auto start = std::chrono::steady_clock::now();
  while (t.wall_s.size() < 50) {
    const auto w0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    step();
    t.cpu_s.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    t.wall_s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count());
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (t.wall_s.size() >= 3 && elapsed >= budget_s) break;
  }
  return t;
}

bool g_kept_memory = false;   // keep_freed_memory_in_process() took effect

void report(const std::string& model, std::int64_t size, const char* mode, std::int64_t batch, int threads,
            std::int64_t n_params, const Timing& t) {
  const double wall = median(t.wall_s), cpu = median(t.cpu_s);
  std::cout << "{\"impl\": \"dflab\", \"malloc\": \"" << (g_kept_memory ? "kept" : "default")
            << "\", \"model\": \"" << model << "\", \"size\": " << size << ", \"mode\": \"" << mode
            << "\", \"batch\": " << batch << ", \"threads\": " << threads << ", \"steps\": " << t.wall_s.size()
            << ", \"median_wall_s\": " << wall << ", \"median_cpu_s\": " << cpu
            << ", \"images_per_s\": " << static_cast<double>(batch) / wall << ", \"n_params\": " << n_params
            << ", \"torch\": \"" << TORCH_VERSION << "\"}" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  g_kept_memory = dflab::keep_freed_memory_in_process();
  int threads = 2;
  std::int64_t batch = 32;
  double budget_s = 6.0;
  std::vector<std::string> configs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    try {
      if (a.rfind("--threads=", 0) == 0) threads = std::stoi(a.substr(10));
      else if (a.rfind("--batch=", 0) == 0) batch = std::stoll(a.substr(8));
      else if (a.rfind("--budget_s=", 0) == 0) budget_s = std::stod(a.substr(11));
      else if (a.find(':') != std::string::npos && a[0] != '-') configs.push_back(a);
      else throw std::invalid_argument("unknown argument");
    } catch (const std::exception&) {
      std::cerr << "dflab_train_bench: bad argument '" << a << "'\n"
                << "usage: dflab_train_bench [--threads=2] [--batch=32] [--budget_s=6] [MODEL:SIZE ...]\n";
      return 2;
    }
  }
  if (configs.empty()) configs = {"resnet18:112", "resnet18:224", "meso4:256"};
  torch::set_num_threads(threads);
  Registry reg;
  register_model_plugins(reg);
  for (const std::string& c : configs) {
    const std::string name = c.substr(0, c.find(':'));
    const std::int64_t size = std::stoll(c.substr(c.find(':') + 1));
    Params p = reg.defaults(kind::model, name);
    p.set("input_size", size);
    torch::manual_seed(0);
    auto model = reg.create<Model>(kind::model, name, p);
    const torch::Tensor x = torch::randn(model->input().shape(batch));
    const torch::Tensor y = torch::arange(batch).remainder(2).to(torch::kFloat);

    model->train();
    torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-4).weight_decay(1e-2));
    const Timing train = time_steps([&] {
      opt.zero_grad();
      torch::Tensor loss = torch::binary_cross_entropy_with_logits(model->forward(x), y);
      loss.backward();
      opt.step();
    }, 1, budget_s);
    report(name, size, "train", batch, threads, model->n_parameters(), train);

    model->eval();
    const Timing infer = time_steps([&] {
      torch::NoGradGuard no_grad;
      torch::Tensor logits = model->forward(x);
      (void)logits.data_ptr<float>();
    }, 1, budget_s / 2);
    report(name, size, "infer", batch, threads, model->n_parameters(), infer);
  }
  return 0;
}
