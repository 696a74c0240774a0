#include "experiments/extract_shards.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "registry/atomic_file.h"

namespace dflab {

namespace fs = std::filesystem;

ExtractCounts ExtractCounts::of(const std::vector<VideoPrep>& videos) {
  ExtractCounts c;
  for (const VideoPrep& v : videos) {
    if (v.unusable()) ++c.failed;
    else if (v.fully_cached()) ++c.cached;
    else ++c.computed;
  }
  return c;
}

std::string preprocess_fingerprint(const ExperimentConfig& exp) {
  std::string out;
  if (!exp.detector.plugin.empty() && exp.video.boolean("enabled")) out += "video:" + face_cache_params(exp) + "\n";
  if (!exp.audio_feature.plugin.empty() && exp.audio.boolean("enabled"))
    out += "audio:" + exp.audio.canonical() + "|" + exp.audio_feature.plugin + " " + exp.audio_feature.params.canonical() + "\n";
  if (exp.wants_av()) out += "av:" + exp.av.canonical() + "|" + exp.av_feature.plugin + " " + exp.av_feature.params.canonical() + "\n";
  // 16 hex digits of FNV-1a 64: short enough to read in the file, and the inputs are not secret.
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(shard_hash(out)));
  return hex;
}

std::string shard_outcome_dir(const ExperimentConfig& exp) {
  return (fs::path(cache_dir(exp, "shards"))).string();
}

std::string shard_outcome_path(const ExperimentConfig& exp, const Shard& shard) {
  return (fs::path(shard_outcome_dir(exp)) /
          ("shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".json")).string();
}

namespace {

nlohmann::json to_json(const ShardOutcome& o) {
  return {{"shard", o.shard.text()}, {"index", o.shard.index}, {"count", o.shard.count}, {"state", o.state},
          {"message", o.message}, {"fingerprint", o.fingerprint}, {"n_videos", o.n_videos},
          {"computed", o.counts.computed}, {"cached", o.counts.cached}, {"failed", o.counts.failed},
          {"failed_videos", o.failed_videos}, {"host", o.host}, {"pid", o.pid}, {"started", o.started},
          {"finished", o.finished}, {"seconds", o.seconds}};
}

}  // namespace

void write_shard_outcome(const ExperimentConfig& exp, const ShardOutcome& o) {
  write_file_atomically(shard_outcome_path(exp, o.shard), to_json(o).dump(2) + "\n");
}

std::optional<ShardOutcome> read_shard_outcome(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    ShardOutcome o;
    o.shard = {j.at("index").get<int>(), j.at("count").get<int>()};
    o.state = j.at("state").get<std::string>();
    o.message = j.value("message", "");
    o.fingerprint = j.at("fingerprint").get<std::string>();
    o.n_videos = j.at("n_videos").get<std::size_t>();
    o.counts = {j.at("computed").get<std::size_t>(), j.at("cached").get<std::size_t>(), j.at("failed").get<std::size_t>()};
    o.failed_videos = j.value("failed_videos", std::vector<std::string>{});
    o.host = j.value("host", "");
    o.pid = j.value("pid", 0LL);
    o.started = j.value("started", "");
    o.finished = j.value("finished", "");
    o.seconds = j.value("seconds", 0.0);
    return o;
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not a shard outcome file (" + e.what() + ")");
  }
}

ShardSummary summarise_shards(const ExperimentConfig& exp) {
  ShardSummary s;
  const fs::path dir = shard_outcome_dir(exp);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return s;
  static const std::regex name(R"(shard-(\d+)-of-(\d+)\.json)");
  std::map<int, fs::file_time_type> newest;   // count -> newest file of that count
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::smatch m;
    const std::string file = e.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    const int count = std::stoi(m[2]);
    const auto t = fs::last_write_time(e.path(), ec);
    if (!newest.count(count) || t > newest[count]) newest[count] = t;
  }
  if (newest.empty()) return s;
  for (const auto& [count, t] : newest)
    if (!s.count || t > newest[s.count]) s.count = count;
  for (const auto& [count, t] : newest)
    if (count != s.count) s.other_counts.push_back(count);
  const std::string fingerprint = preprocess_fingerprint(exp);
  for (int i = 0; i < s.count; ++i) {
    std::optional<ShardOutcome> o = read_shard_outcome(shard_outcome_path(exp, {i, s.count}));
    std::string state = "missing";
    if (o && o->fingerprint == fingerprint) {
      state = o->state;   // videos that failed are counted apart: rerunning does not mend a bad file
      s.counts.computed += o->counts.computed;
      s.counts.cached += o->counts.cached;
      s.counts.failed += o->counts.failed;
    } else {
      o.reset();   // another experiment's settings: its entries are not this one's cache
    }
    ++s.n_by_state[state];
    s.states.push_back(state);
    s.outcomes.push_back(std::move(o));
  }
  return s;
}

}  // namespace dflab
