// `dflab run --nproc 2` on loopback: two ranks train the tiny generated experiment, rank 0 writes
// the store and outputs, and the result has the shape of a one-process run (the same runs,
// statuses and outputs); the store records backend and world size.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/experiments/tiny_experiment.h"

namespace dflab::testing {
namespace {

namespace fs = std::filesystem;

std::set<std::string> run_shape(const nlohmann::json& doc) {
  std::set<std::string> out;
  for (const auto& row : doc["rows"]) out.insert(row["name"].get<std::string>() + " " + row["kind"].get<std::string>() + " " +
                                                 row["status"].get<std::string>());
  return out;
}

std::map<std::string, std::string> params_of(const std::string& db, const std::string& run) {
  const auto r = run_dflab("show " + run + " --db " + db + " --json");
  EXPECT_EQ(r.code, 0) << r.err;
  std::map<std::string, std::string> out;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& [k, v] : j["params"].items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

TEST(DistributedRun, TwoLocalRanksGiveTheShapeOfOneProcessAndRecordTheGroup) {
  const fs::path dir = fs::temp_directory_path() / ("dflab_ddp_cli_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "one");
  fs::create_directories(dir / "two");
  make_tiny_dataset((dir / "data").string());
  const std::string toml = tiny_experiment_toml((dir / "data").string(), 2, 2, /*threads=*/1);
  std::ofstream(dir / "one" / "exp.toml") << toml;
  // The two ranks sync the video model's batch norm (meso4 has four).
  std::string synced = toml;
  const std::string video_train = "modality = \"video\"\ntrain = { epochs = 2, batch = 8, workers = 1 }";
  ASSERT_NE(synced.find(video_train), std::string::npos);
  synced.replace(synced.find(video_train), video_train.size(),
                 "modality = \"video\"\ntrain = { epochs = 2, batch = 8, workers = 1, sync_bn = true }");
  std::ofstream(dir / "two" / "exp.toml") << synced;

  const auto one = run_dflab("run " + (dir / "one" / "exp.toml").string() + " --json");
  ASSERT_EQ(one.code, 0) << one.err;
  const auto two = run_dflab("run " + (dir / "two" / "exp.toml").string() + " --nproc 2 --dist-timeout 60 --json");
  ASSERT_EQ(two.code, 0) << two.err;
  const auto a = nlohmann::json::parse(one.out), b = nlohmann::json::parse(two.out);   // rank 0's document only
  EXPECT_EQ(run_shape(a), run_shape(b));
  EXPECT_EQ(run_shape(b).size(), 4u);   // video, audio, two fusions
  EXPECT_EQ(a["n_train"], b["n_train"]);
  EXPECT_FALSE(b["prediction_csv"].get<std::string>().empty());
  EXPECT_TRUE(fs::exists(b["prediction_csv"].get<std::string>()));
  EXPECT_EQ(lines_of(read_file(a["prediction_csv"])).size(), lines_of(read_file(b["prediction_csv"])).size());
  EXPECT_NE(two.err.find("rank 1 of 2 (gloo): trained its share of 2 model(s)"), std::string::npos) << two.err;

  const std::string db = (dir / "two" / "runs.sqlite").string();
  auto p = params_of(db, "tiny/video");
  EXPECT_EQ(p["world_size"], "2");
  EXPECT_EQ(p["backend"], "gloo");
  bool recorded = false;
  for (const auto& [k, v] : p) recorded |= v.find("sync_bn=true") != std::string::npos || (k.find("sync_bn") != std::string::npos && v == "true");
  EXPECT_TRUE(recorded) << "sync_bn is not among the run's params";
  p = params_of((dir / "one" / "runs.sqlite").string(), "tiny/video");
  EXPECT_EQ(p["world_size"], "1");
  EXPECT_EQ(p["backend"], "none");
  // Only rank 0 kept checkpoints: one run folder per model.
  std::size_t folders = 0;
  for (const auto& e : fs::directory_iterator(dir / "two" / "work" / "checkpoints" / "video")) folders += e.is_directory();
  EXPECT_EQ(folders, 1u);

  // --nproc under a launcher that already set RANK is a usage error; a bad RANK names itself.
  ::setenv("RANK", "0", 1);
  const auto nested = run_dflab("run " + (dir / "two" / "exp.toml").string() + " --nproc 2");
  EXPECT_EQ(nested.code, 2) << nested.err;
  EXPECT_NE(nested.err.find("drop --nproc"), std::string::npos) << nested.err;
  ::setenv("WORLD_SIZE", "2", 1);
  ::setenv("RANK", "5", 1);
  const auto bad = run_dflab("run " + (dir / "two" / "exp.toml").string());
  EXPECT_EQ(bad.code, 2) << bad.err;
  EXPECT_NE(bad.err.find("RANK 5 is outside 0..1"), std::string::npos) << bad.err;
  ::unsetenv("RANK");
  ::unsetenv("WORLD_SIZE");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dflab::testing
