#include "datasets/splits.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

namespace dflab {

std::string default_group(const VideoItem& item) { return item.original.value_or(item.id); }

namespace {

struct Group {
  std::string key;
  std::vector<std::size_t> members;   // indices into items
  int label = 0;                      // majority label, ties → fake
};

// Uniform integer in [0, n) without modulo bias, from raw 64-bit draws.
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t r;
  do r = rng();
  while (r >= limit);
  return r % n;
}

template <class T>
void shuffle(std::vector<T>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform_below(rng, i)]);
}

// Groups of the labelled items accepted by `use`, in first-appearance order, split by label.
std::map<int, std::vector<Group>> groups_by_label(const std::vector<VideoItem>& items,
                                                  const std::function<bool(const VideoItem&)>& use,
                                                  const GroupFunction& group_of) {
  std::vector<Group> groups;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].label || !use(items[i])) continue;
    const std::string key = group_of(items[i]);
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.push_back({key, {}, 0});
    groups[it->second].members.push_back(i);
  }
  std::map<int, std::vector<Group>> by_label;
  for (auto& g : groups) {
    int fakes = 0;
    for (auto m : g.members) fakes += *items[m].label;
    g.label = 2 * fakes >= static_cast<int>(g.members.size()) ? 1 : 0;
    by_label[g.label].push_back(std::move(g));
  }
  return by_label;
}

}  // namespace

void hold_out_validation(std::vector<VideoItem>& items, const SplitOptions& options, const GroupFunction& group_of) {
  if (!(options.val_fraction > 0.0 && options.val_fraction < 1.0))
    throw std::invalid_argument("val_fraction must be in (0, 1), got " + std::to_string(options.val_fraction));
  std::mt19937_64 rng(options.seed);
  auto by_label = groups_by_label(items, [&](const VideoItem& v) { return v.split == options.from_split; }, group_of);
  for (auto& [label, groups] : by_label) {
    shuffle(groups, rng);
    if (groups.size() < 2) continue;   // one group of a class cannot be on both sides: keep it to train
    std::size_t total = 0;
    for (const auto& g : groups) total += g.members.size();
    const auto target = static_cast<std::size_t>(std::llround(options.val_fraction * static_cast<double>(total)));
    std::size_t taken = 0;
    for (std::size_t gi = 0; gi < groups.size(); ++gi) {
      if (gi + 1 == groups.size()) break;     // the last group stays in train
      if (taken >= target && taken > 0) break; // and at least one goes to val
      for (auto m : groups[gi].members) items[m].split = options.val_split;
      taken += groups[gi].members.size();
    }
  }
}

std::vector<int> assign_folds(const std::vector<VideoItem>& items, int k, std::uint64_t seed, const GroupFunction& group_of) {
  if (k < 2) throw std::invalid_argument("k-fold needs k >= 2, got " + std::to_string(k));
  std::vector<int> fold(items.size(), -1);
  std::mt19937_64 rng(seed);
  auto by_label = groups_by_label(items, [](const VideoItem&) { return true; }, group_of);
  for (auto& [label, groups] : by_label) {
    shuffle(groups, rng);
    // Largest groups first, each to the fold holding the fewest items of this class so far.
    std::stable_sort(groups.begin(), groups.end(),
                     [](const Group& a, const Group& b) { return a.members.size() > b.members.size(); });
    std::vector<std::size_t> load(static_cast<std::size_t>(k), 0);
    for (const auto& g : groups) {
      const auto f = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
      for (auto m : g.members) fold[m] = static_cast<int>(f);
      load[f] += g.members.size();
    }
  }
  return fold;
}

}  // namespace dflab
