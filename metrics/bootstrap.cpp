#include "metrics/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

#include "metrics/binary_input.h"
#include "metrics/roc.h"

namespace dflab {
namespace {

BootstrapResult finish(std::vector<double> values, int n_resamples, double level) {
  BootstrapResult r;
  r.n_resamples = n_resamples;
  r.n_valid = static_cast<int>(values.size());
  if (values.size() < 2) {
    r.note = "undefined: only " + std::to_string(values.size()) + " of " +
             std::to_string(n_resamples) + " resamples gave a value";
    return r;
  }
  if (r.n_valid < n_resamples)
    r.note = std::to_string(n_resamples - r.n_valid) + " of " + std::to_string(n_resamples) +
             " resamples skipped (statistic undefined, e.g. one class drawn)";
  r.interval = percentile_interval(std::move(values), level);
  return r;
}

// Uniform in [0, m) from the 32 random bits `x` (Lemire's method, ACM TOMACS 2019, on 32 bits):
// unbiased, fresh draws from `rng` in the rare rejected case (probability < m / 2^32).
inline std::uint32_t below32(std::uint32_t x, std::uint32_t m, Xoshiro256& rng) {
  std::uint64_t p = static_cast<std::uint64_t>(x) * m;
  auto low = static_cast<std::uint32_t>(p);
  if (low < m) {
    const std::uint32_t threshold = (0u - m) % m;
    while (low < threshold) {
      p = static_cast<std::uint64_t>(static_cast<std::uint32_t>(rng.next())) * m;
      low = static_cast<std::uint32_t>(p);
    }
  }
  return static_cast<std::uint32_t>(p >> 32);
}

}  // namespace

std::uint64_t bootstrap_block_seed(std::uint64_t seed, int block) {
  if (block == 0) return seed;
  // A splitmix64 step per block: well-mixed, distinct seeds for the other blocks' generators.
  std::uint64_t state = seed ^ (static_cast<std::uint64_t>(block) << 32);
  return splitmix64(state);
}

int bootstrap_block_begin(int samples, int block) {
  return static_cast<int>(static_cast<std::int64_t>(samples) * block / kBootstrapBlocks);
}

BootstrapSampler::BootstrapSampler(const std::vector<int>& labels, bool stratified,
                                   std::uint64_t seed)
    : BootstrapSampler(labels, stratified, seed, [&] {
        if (labels.size() >= std::numeric_limits<std::uint32_t>::max())
          throw std::invalid_argument("bootstrap: too many samples (" +
                                      std::to_string(labels.size()) + ")");
        std::vector<std::uint32_t> identity(labels.size());
        for (std::size_t i = 0; i < identity.size(); ++i) identity[i] = static_cast<std::uint32_t>(i);
        return identity;
      }()) {}

BootstrapSampler::BootstrapSampler(const std::vector<int>& labels, bool stratified,
                                   std::uint64_t seed, const std::vector<std::uint32_t>& position)
    : rng_(seed), stratified_(stratified), counts_(labels.size(), 0) {
  if (labels.size() >= std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("bootstrap: too many samples (" + std::to_string(labels.size()) + ")");
  if (position.size() != labels.size())
    throw std::invalid_argument("bootstrap: position has " + std::to_string(position.size()) +
                                " slots for " + std::to_string(labels.size()) + " samples");
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (position[i] >= labels.size())
      throw std::invalid_argument("bootstrap: position out of range at index " + std::to_string(i));
    if (!stratified_) all_.push_back(position[i]);
    else (labels[i] == 1 ? positives_ : negatives_).push_back(position[i]);
  }
}

const std::vector<std::uint32_t>& BootstrapSampler::next() {
  std::fill(counts_.begin(), counts_.end(), 0u);
  std::uint32_t* counts = counts_.data();
  // A local copy of the generator, so its state can live in registers while counts are stored.
  Xoshiro256 rng = rng_;
  for (const auto* pool : {&positives_, &negatives_, &all_}) {
    const std::uint32_t* slots = pool->data();
    const auto m = static_cast<std::uint32_t>(pool->size());   // < 2^32, checked above
    // Two draws from each 64-bit output, one per half: the generator is most of the cost.
    std::uint32_t j = 0;
    for (; j + 2 <= m; j += 2) {
      const std::uint64_t r = rng.next();
      ++counts[slots[below32(static_cast<std::uint32_t>(r), m, rng)]];
      ++counts[slots[below32(static_cast<std::uint32_t>(r >> 32), m, rng)]];
    }
    if (j < m) ++counts[slots[below32(static_cast<std::uint32_t>(rng.next()), m, rng)]];
  }
  rng_ = rng;
  return counts_;
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("quantile_sorted: no values");
  if (!(q >= 0.0 && q <= 1.0))
    throw std::invalid_argument("quantile_sorted: q " + std::to_string(q) + " is outside [0, 1]");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  if (lo + 1 >= sorted.size()) return sorted.back();
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

Interval percentile_interval(std::vector<double> values, double level) {
  if (!(level > 0.0 && level < 1.0))
    throw std::invalid_argument("percentile_interval: level " + std::to_string(level) +
                                " is outside (0, 1)");
  std::sort(values.begin(), values.end());
  return {quantile_sorted(values, (1.0 - level) / 2.0), quantile_sorted(values, (1.0 + level) / 2.0)};
}

void check_bootstrap_options(const BootstrapOptions& options) {
  if (options.samples < 1)
    throw std::invalid_argument("bootstrap: samples must be >= 1, got " +
                                std::to_string(options.samples));
  if (!(options.ci_level > 0.0 && options.ci_level < 1.0))
    throw std::invalid_argument("bootstrap: ci_level " + std::to_string(options.ci_level) +
                                " is outside (0, 1)");
}

BootstrapResult bootstrap_ci(const std::vector<int>& labels, const std::vector<double>& scores,
                             const BootstrapStatistic& statistic, const BootstrapOptions& options) {
  check_binary_input(labels, scores, "bootstrap_ci");
  check_bootstrap_options(options);
  std::vector<double> values;
  std::vector<int> rl;
  std::vector<double> rs;
  for (int block = 0; block < kBootstrapBlocks; ++block) {
    BootstrapSampler sampler(labels, options.stratified, bootstrap_block_seed(options.seed, block));
    const int end = bootstrap_block_begin(options.samples, block + 1);
    for (int b = bootstrap_block_begin(options.samples, block); b < end; ++b) {
      const auto& counts = sampler.next();
      rl.clear();
      rs.clear();
      for (std::size_t i = 0; i < counts.size(); ++i) {
        rl.insert(rl.end(), counts[i], labels[i]);
        rs.insert(rs.end(), counts[i], scores[i]);
      }
      try {
        if (auto v = statistic(rl, rs)) values.push_back(*v);
      } catch (const std::domain_error&) {
        // Undefined on this resample (e.g. roc_auc with one class drawn): skipped and counted.
      }
    }
  }
  return finish(std::move(values), options.samples, options.ci_level);
}

AucLoglossIntervals bootstrap_auc_logloss_sorted(const std::vector<int>& labels,
                                                 const std::vector<double>& scores,
                                                 const std::vector<std::size_t>& order,
                                                 const LogLossOptions& logloss_options,
                                                 const BootstrapOptions& options) {
  check_binary_input(labels, scores, "bootstrap_auc_logloss");
  check_probabilities(scores, "bootstrap_auc_logloss");
  check_log_loss_options(logloss_options);
  check_bootstrap_options(options);
  if (order.size() != scores.size())
    throw std::invalid_argument("bootstrap_auc_logloss: order has " +
                                std::to_string(order.size()) + " indices for " +
                                std::to_string(scores.size()) + " scores");
  const std::size_t n = labels.size();

  // Everything the per-resample pass reads, in score order: label mask, loss, and where each
  // group of tied scores ends. The sampler stores sample order[k]'s count at slot k.
  std::vector<std::uint32_t> rank(n), positive_mask(n);
  std::vector<double> loss(n);
  std::vector<std::size_t> group_end;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = order[k];
    rank[i] = static_cast<std::uint32_t>(k);
    positive_mask[k] = labels[i] == 1 ? ~0u : 0u;
    loss[k] = sample_log_loss(labels[i], scores[i], logloss_options);
    if (k + 1 == n || scores[order[k + 1]] != scores[i]) group_end.push_back(k + 1);
  }

  // One block's resamples: its AUCs (where both classes were drawn) and logloss values.
  struct BlockValues {
    std::vector<double> aucs, losses;
  };
  const auto run_block = [&](int block, BlockValues& out) {
    BootstrapSampler sampler(labels, options.stratified, bootstrap_block_seed(options.seed, block), rank);
    const int begin = bootstrap_block_begin(options.samples, block);
    const int end = bootstrap_block_begin(options.samples, block + 1);
    out.aucs.reserve(static_cast<std::size_t>(end - begin));
    out.losses.reserve(static_cast<std::size_t>(end - begin));
    for (int b = begin; b < end; ++b) {
      const std::uint32_t* counts = sampler.next().data();
      // Same integer trapezoid as roc_auc(): a tie group with P_g positives and N_g negatives
      // drawn adds N_g * (2 * positives_above + P_g). Branch-free: labels are in random order.
      std::uint64_t twice_area = 0, n_pos = 0, n_all = 0;
      std::size_t k = 0;
      for (const std::size_t group : group_end) {
        std::uint64_t p = 0, t = 0;
        for (; k < group; ++k) {
          t += counts[k];
          p += counts[k] & positive_mask[k];
        }
        twice_area += (t - p) * (2 * n_pos + p);
        n_pos += p;
        n_all += t;
      }
      const std::uint64_t n_neg = n_all - n_pos;
      // Four partial sums keep the adds independent (the order only moves the last bits).
      double s[4] = {0, 0, 0, 0};
      std::size_t j = 0;
      for (; j + 4 <= n; j += 4)
        for (int u = 0; u < 4; ++u) s[u] += counts[j + u] * loss[j + u];
      for (; j < n; ++j) s[0] += counts[j] * loss[j];
      out.losses.push_back(((s[0] + s[1]) + (s[2] + s[3])) / static_cast<double>(n));
      if (n_pos > 0 && n_neg > 0)
        out.aucs.push_back(static_cast<double>(twice_area) /
                           (2.0 * static_cast<double>(n_pos) * static_cast<double>(n_neg)));
    }
  };
  // Blocks on up to kBootstrapBlocks threads when the work outweighs starting them (10k samples x
  // 1000 resamples: ~20 ms serial); every block is the same whichever thread draws it.
  std::vector<BlockValues> blocks(kBootstrapBlocks);
  const double work = static_cast<double>(n) * options.samples;
  const int threads = work < 2e6 ? 1 : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, kBootstrapBlocks);
  {
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t)
      helpers.emplace_back([&, t] {
        for (int block = t; block < kBootstrapBlocks; block += threads) run_block(block, blocks[block]);
      });
    for (int block = 0; block < kBootstrapBlocks; block += threads) run_block(block, blocks[block]);
    for (auto& h : helpers) h.join();
  }
  std::vector<double> aucs, losses;
  aucs.reserve(options.samples);
  losses.reserve(options.samples);
  for (const auto& b : blocks) {
    aucs.insert(aucs.end(), b.aucs.begin(), b.aucs.end());
    losses.insert(losses.end(), b.losses.begin(), b.losses.end());
  }
  return {finish(std::move(aucs), options.samples, options.ci_level),
          finish(std::move(losses), options.samples, options.ci_level)};
}

AucLoglossIntervals bootstrap_auc_logloss(const std::vector<int>& labels,
                                          const std::vector<double>& scores,
                                          const LogLossOptions& logloss_options,
                                          const BootstrapOptions& options) {
  check_binary_input(labels, scores, "bootstrap_auc_logloss");
  return bootstrap_auc_logloss_sorted(labels, scores, order_by_decreasing_score(scores),
                                      logloss_options, options);
}

}  // namespace dflab
