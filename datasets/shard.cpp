#include "datasets/shard.h"

#include <cstdlib>
#include <stdexcept>

namespace dflab {

std::uint64_t shard_hash(const std::string& id) {
  std::uint64_t h = 14695981039346656037ULL;   // FNV-1a 64 offset basis (0xcbf29ce484222325)
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

int shard_of(const std::string& id, int count) {
  if (count < 1) throw std::invalid_argument("shard count must be at least 1, not " + std::to_string(count));
  return static_cast<int>(shard_hash(id) % static_cast<std::uint64_t>(count));
}

std::vector<VideoItem> items_of_shard(const std::vector<VideoItem>& items, const Shard& s) {
  std::vector<VideoItem> out;
  for (const VideoItem& it : items)
    if (shard_of(it.id, s.count) == s.index) out.push_back(it);
  return out;
}

namespace {

// A whole non-negative decimal number, or nothing.
bool parse_count(const std::string& text, long long& out) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  out = std::stoll(text);
  return true;
}

Shard checked(long long index, long long count, const std::string& where) {
  if (count < 1) throw std::invalid_argument(where + ": the shard count must be at least 1, not " + std::to_string(count));
  if (index < 0 || index >= count)
    throw std::invalid_argument(where + ": shard index " + std::to_string(index) + " is outside 0.." +
                                std::to_string(count - 1) + " (indices are 0-based)");
  return {static_cast<int>(index), static_cast<int>(count)};
}

long long env_number(const EnvLookup& getenv, const char* name, const std::string& where) {
  const char* v = getenv(name);
  long long n = 0;
  if (!v || !parse_count(v, n))
    throw std::invalid_argument(where + ": " + name + (v ? " is '" + std::string(v) + "', not a whole number" : " is not set"));
  return n;
}

}  // namespace

Shard parse_shard(const std::string& text, const EnvLookup& getenv) {
  if (text == "auto") {
    if (getenv("SLURM_ARRAY_TASK_ID")) {
      const std::string where = "--shard auto (Slurm job array)";
      const long long id = env_number(getenv, "SLURM_ARRAY_TASK_ID", where);
      const long long count = env_number(getenv, "SLURM_ARRAY_TASK_COUNT", where);
      const long long min = getenv("SLURM_ARRAY_TASK_MIN") ? env_number(getenv, "SLURM_ARRAY_TASK_MIN", where) : 0;
      if (id < min) throw std::invalid_argument(where + ": SLURM_ARRAY_TASK_ID " + std::to_string(id) +
                                                " is below SLURM_ARRAY_TASK_MIN " + std::to_string(min));
      return checked(id - min, count, where + " (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT)");
    }
    if (getenv("JOB_COMPLETION_INDEX")) {
      const std::string where = "--shard auto (Kubernetes Indexed Job)";
      const long long index = env_number(getenv, "JOB_COMPLETION_INDEX", where);
      if (!getenv("DFLAB_SHARD_COUNT"))
        throw std::invalid_argument(where + ": JOB_COMPLETION_INDEX is set but DFLAB_SHARD_COUNT is not; set it to "
                                    "the Job's completions in the manifest (examples/k8s/extract-job.yaml)");
      return checked(index, env_number(getenv, "DFLAB_SHARD_COUNT", where), where);
    }
    throw std::invalid_argument("--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX "
                                "(a Kubernetes Indexed Job) is set; give --shard i/n");
  }
  const std::size_t slash = text.find('/');
  long long index = 0, count = 0;
  if (slash == std::string::npos || !parse_count(text.substr(0, slash), index) ||
      !parse_count(text.substr(slash + 1), count))
    throw std::invalid_argument("--shard '" + text + "': expected i/n with whole numbers, 0 <= i < n (e.g. 0/4), or auto");
  return checked(index, count, "--shard " + text);
}

Shard parse_shard(const std::string& text) {
  return parse_shard(text, [](const char* name) { return static_cast<const char*>(std::getenv(name)); });
}

}  // namespace dflab
