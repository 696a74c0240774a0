// All-reduce cost of data-parallel training per optimiser step: the gradient averaging that
// trainer.h does after backward (distributed.h GradientAverager, 25 MB buckets), on a model's
// real parameter list, timed without the forward/backward around it. Run one process per rank:
//
//   RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29577 allreduce_bench resnet18 20 &
//   RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29577 allreduce_bench resnet18 20
//
// Rank 0 prints one JSON line: model, parameters, MB per step, buckets, ms per step (mean and
// min over the timed steps, after 2 warm-up steps). bench/run_scale_bench.sh runs it.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "experiments/builtin_plugins.h"
#include "experiments/training/distributed.h"
#include "modalities/models/model.h"
#include "registry/registry.h"

int main(int argc, char** argv) {
  using namespace dflab;
  if (argc < 3) {
    std::cerr << "usage: allreduce_bench MODEL STEPS (with RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set)\n";
    return 2;
  }
  try {
    torch::set_num_threads(1);
    const auto env = DistributedEnv::from_environment();
    if (!env || env->world_size < 2) throw std::invalid_argument("set RANK, WORLD_SIZE >= 2, MASTER_ADDR, MASTER_PORT");
    DistributedOptions o;
    o.backend = "gloo";
    o.timeout = std::chrono::seconds(120);
    auto group = DistributedGroup::join(*env, o);
    Registry reg;
    register_builtin_plugins(reg);
    auto model = reg.create<Model>(kind::model, argv[1], reg.defaults(kind::model, argv[1]));
    std::int64_t n = 0;
    for (auto& p : model->parameters())
      if (p.requires_grad()) {
        p.mutable_grad() = torch::randn_like(p);
        n += p.numel();
      }
    GradientAverager averager(*group, model->parameters());
    const int steps = std::atoi(argv[2]);
    std::vector<double> ms;
    for (int s = 0; s < steps + 2; ++s) {
      const auto t0 = std::chrono::steady_clock::now();
      averager.run(1.0 / group->world_size());
      if (s >= 2) ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    double mean = 0;
    for (double v : ms) mean += v / static_cast<double>(ms.size());
    if (group->is_main())
      std::cout << "{\"model\": \"" << argv[1] << "\", \"world_size\": " << group->world_size() << ", \"parameters\": " << n
                << ", \"mb_per_step\": " << static_cast<double>(n) * 4.0 / 1e6 << ", \"buckets\": " << averager.n_buckets()
                << ", \"ms_mean\": " << mean << ", \"ms_min\": " << *std::min_element(ms.begin(), ms.end())
                << ", \"steps\": " << ms.size() << "}" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "allreduce_bench: " << e.what() << "\n";
    return 1;
  }
}
