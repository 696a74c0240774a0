// dflab::metrics speed: evaluate() on 100k predictions with and without the 1000-resample
// bootstrap, and its parts. Peer: bench/metrics_peer.py (scikit-learn + numpy, same data shape).
//   ninja -C build dflab_metrics_bench && build/bench/dflab_metrics_bench
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <random>

#include "metrics/binary_metrics.h"
#include "metrics/bootstrap.h"
#include "metrics/roc.h"

namespace {

struct Data {
  std::vector<int> labels;
  std::vector<double> scores;
};

// n predictions, a third fake, AUC about 0.77; scores rounded to 1e-4 so ties occur as in real
// model outputs written with 4 decimals.
const Data& data(std::size_t n) {
  static std::map<std::size_t, Data> cache;
  auto [it, inserted] = cache.try_emplace(n);
  if (inserted) {
    std::mt19937 gen(1);
    std::normal_distribution<double> noise(0.0, 1.0);
    for (std::size_t i = 0; i < n; ++i) {
      const int y = i % 3 == 0;
      it->second.labels.push_back(y);
      it->second.scores.push_back(
          std::round(1e4 / (1.0 + std::exp(-(0.75 * (2 * y - 1) + noise(gen))))) / 1e4);
    }
  }
  return it->second;
}

void BM_Evaluate(benchmark::State& state) {
  const Data& d = data(static_cast<std::size_t>(state.range(0)));
  dflab::EvaluateOptions opt;
  opt.bootstrap_samples = static_cast<int>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(dflab::evaluate(d.labels, d.scores, opt));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Evaluate)->Args({100000, 0})->Args({100000, 1000})->Args({10000, 1000})
    ->Unit(benchmark::kMillisecond);

void BM_RocCurveAndAuc(benchmark::State& state) {
  const Data& d = data(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(dflab::roc_auc(dflab::roc_curve(d.labels, d.scores)));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RocCurveAndAuc)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_BootstrapAucLogloss(benchmark::State& state) {
  const Data& d = data(static_cast<std::size_t>(state.range(0)));
  const dflab::BootstrapOptions opt{static_cast<int>(state.range(1)), 0.95, 42, true};
  for (auto _ : state)
    benchmark::DoNotOptimize(dflab::bootstrap_auc_logloss(d.labels, d.scores, {}, opt));
  state.counters["resamples_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(1)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BootstrapAucLogloss)->Args({100000, 1000})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
