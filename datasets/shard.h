#pragma once
// Which videos one of n preprocessing jobs takes: a stable split of a dataset by a hash of each
// video's id, so a shard's work depends neither on the list order nor on the other shards, and
// n jobs of a batch scheduler (Slurm array, Kubernetes Indexed Job) cover every video once.
//
//   Shard s = parse_shard("auto");                    // SLURM_ARRAY_TASK_ID/COUNT, JOB_COMPLETION_INDEX
//   std::vector<VideoItem> mine = items_of_shard(dataset.items, s);
//
// Indices are 0-based: shard i of n takes the videos with shard_of(id, n) == i.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace dflab {

struct Shard {
  int index = 0;   // 0 <= index < count
  int count = 1;
  bool whole() const { return count == 1; }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// FNV-1a 64 of the id: the same on every machine and run (std::hash is not).
std::uint64_t shard_hash(const std::string& id);
int shard_of(const std::string& id, int count);

// The items of shard `s`, in their dataset order.
std::vector<VideoItem> items_of_shard(const std::vector<VideoItem>& items, const Shard& s);

// "i/n" (0 <= i < n), or "auto": from the scheduler's environment, looked up through `getenv`
//   Slurm job array: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN (0 when unset) of SLURM_ARRAY_TASK_COUNT;
//   Kubernetes Indexed Job: JOB_COMPLETION_INDEX of DFLAB_SHARD_COUNT (the Job's completions; the
//   pod does not see that number, the manifest passes it).
// Throws std::invalid_argument saying what was expected and what was found.
using EnvLookup = std::function<const char*(const char*)>;
Shard parse_shard(const std::string& text, const EnvLookup& getenv);
Shard parse_shard(const std::string& text);   // with the process environment

}  // namespace dflab
