// `dflab extract --shard`: two shards of a generated dataset fill the same cache, byte for byte,
// as one unsharded extract; --status summarises the shards; `dflab run` then computes nothing.
#include <cstdlib>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/experiments/tiny_experiment.h"

namespace dflab::testing {
namespace {

namespace fs = std::filesystem;

// Every file under <work>/cache/{faces,audio} (relative path -> bytes); the shards' outcome
// files and temp folders are not cache entries.
std::map<std::string, std::string> cache_files(const fs::path& work) {
  std::map<std::string, std::string> out;
  for (const char* what : {"faces", "audio"}) {
    const fs::path root = work / "cache" / what;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      const std::string rel = fs::relative(e.path(), work).string();
      if (e.is_regular_file() && rel.find(".tmp") == std::string::npos) out[rel] = read_file(e.path().string());
    }
  }
  return out;
}

class ExtractShards : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("dflab_extract_shard_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const auto r = run_dflab("synth --out " + (dir_ / "data").string() + " --train 8 --val 4 --test 2 --seconds 1 --seed 3");
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  // An experiment file in its own folder (work_dir "work" beside it).
  static std::string experiment(const std::string& name) {
    const fs::path d = dir_ / name;
    fs::create_directories(d);
    std::ofstream(d / "exp.toml") << tiny_experiment_toml((dir_ / "data").string(), 1);
    return (d / "exp.toml").string();
  }
  static fs::path dir_;
};
fs::path ExtractShards::dir_;

TEST_F(ExtractShards, TwoShardsEqualOneExtractAndRunFindsEverythingCached) {
  const std::string whole = experiment("whole"), sharded = experiment("sharded");
  const auto w = run_dflab("extract " + whole + " --json");
  ASSERT_EQ(w.code, 0) << w.err;
  const auto wj = nlohmann::json::parse(w.out);
  EXPECT_EQ(wj["counts"]["computed"], 14);
  EXPECT_EQ(wj["counts"]["cached"], 0);
  EXPECT_EQ(wj["counts"]["failed"], 0);

  auto s0 = run_dflab("extract " + sharded + " --shard 0/2 --json");
  ASSERT_EQ(s0.code, 0) << s0.err;
  const auto j0 = nlohmann::json::parse(s0.out);
  EXPECT_EQ(j0["shard"], "0/2");
  EXPECT_EQ(j0["n_dataset"], 14);
  const int n0 = j0["n_videos"];
  EXPECT_GT(n0, 0);
  EXPECT_LT(n0, 14);

  // One shard done, the other missing: --status says so and does not exit 0.
  auto st = run_dflab("extract " + sharded + " --status --json");
  EXPECT_EQ(st.code, 1) << st.err;
  auto sj = nlohmann::json::parse(st.out);
  EXPECT_EQ(sj["count"], 2);
  EXPECT_EQ(sj["states"]["done"], 1);
  EXPECT_EQ(sj["states"]["missing"], 1);
  EXPECT_EQ(sj["shards"][1]["state"], "missing");

  // The second shard through the Slurm array environment (--shard auto).
  ::setenv("SLURM_ARRAY_TASK_ID", "1", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "2", 1);
  auto s1 = run_dflab("extract " + sharded + " --shard auto --json");
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  ASSERT_EQ(s1.code, 0) << s1.err;
  const auto j1 = nlohmann::json::parse(s1.out);
  EXPECT_EQ(j1["shard"], "1/2");
  EXPECT_EQ(n0 + j1["n_videos"].get<int>(), 14);
  EXPECT_EQ(j1["counts"]["computed"], j1["n_videos"]);

  // The same cache entries, byte for byte.
  const auto a = cache_files(fs::path(whole).parent_path() / "work");
  const auto b = cache_files(fs::path(sharded).parent_path() / "work");
  EXPECT_GT(a.size(), 28u);   // crops and meta.json per video, a feature file per video
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [rel, bytes] : a) {
    auto it = b.find(rel);
    ASSERT_NE(it, b.end()) << rel << " missing from the sharded cache";
    EXPECT_TRUE(it->second == bytes) << rel << " differs";
  }

  st = run_dflab("extract " + sharded + " --status");
  EXPECT_EQ(st.code, 0) << st.out << st.err;
  EXPECT_NE(st.out.find("2 shard(s)"), std::string::npos) << st.out;
  EXPECT_NE(st.out.find("done 2"), std::string::npos) << st.out;

  // A rerun of a shard reads everything from the cache.
  s0 = run_dflab("extract " + sharded + " --shard 0/2 --json");
  ASSERT_EQ(s0.code, 0) << s0.err;
  EXPECT_EQ(nlohmann::json::parse(s0.out)["counts"]["cached"], n0);
  EXPECT_EQ(nlohmann::json::parse(s0.out)["counts"]["computed"], 0);

  // `dflab run` afterwards preprocesses nothing.
  const auto run = run_dflab("run " + sharded + " --json");
  ASSERT_EQ(run.code, 0) << run.err;
  const auto rj = nlohmann::json::parse(run.out);
  EXPECT_EQ(rj["preprocess"]["computed"], 0);
  EXPECT_EQ(rj["preprocess"]["cached"], 14);
}

TEST_F(ExtractShards, BadShardValuesAreUsageErrors) {
  const std::string exp = experiment("bad");
  for (const std::string& bad : {"2/2", "1/0", "x", "1-2", "-1/2"}) {
    const auto r = run_dflab("extract " + exp + " --shard " + bad);
    EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
  }
  const auto r = run_dflab("extract " + exp + " --shard auto");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("SLURM_ARRAY_TASK_ID"), std::string::npos) << r.err;
  const auto both = run_dflab("extract " + exp + " --shard 0/2 --status");
  EXPECT_EQ(both.code, 2) << both.err;
  const auto none = run_dflab("extract " + exp + " --status");
  EXPECT_EQ(none.code, 1) << none.err;
  EXPECT_NE(none.out.find("no extract has run"), std::string::npos) << none.out;
  EXPECT_FALSE(fs::exists(fs::path(exp).parent_path() / "work" / "cache" / "faces"));   // nothing extracted
}

}  // namespace
}  // namespace dflab::testing
