// Sharding a dataset for preprocessing jobs: a partition of the videos that does not depend on
// their order, and the --shard forms (i/n, Slurm array, Kubernetes Indexed Job) with their errors.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "datasets/shard.h"

namespace dflab {
namespace {

std::vector<VideoItem> items(int n) {
  std::vector<VideoItem> out;
  for (int i = 0; i < n; ++i) out.push_back({"video_" + std::to_string(i) + ".mp4", "/data/" + std::to_string(i), 0, "train", {}, "s"});
  return out;
}

std::set<std::string> ids(const std::vector<VideoItem>& v) {
  std::set<std::string> out;
  for (const auto& it : v) out.insert(it.id);
  return out;
}

TEST(Shard, TwoShardsAreADisjointCoverStableUnderReordering) {
  const std::vector<VideoItem> all = items(200);
  const std::set<std::string> a = ids(items_of_shard(all, {0, 2})), b = ids(items_of_shard(all, {1, 2}));
  std::set<std::string> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(both, both.end()));
  EXPECT_TRUE(both.empty());
  std::set<std::string> uni = a;
  uni.insert(b.begin(), b.end());
  EXPECT_EQ(uni, ids(all));
  EXPECT_GT(a.size(), 70u);   // FNV-1a spreads 200 ids evenly enough: not all in one shard
  EXPECT_GT(b.size(), 70u);

  std::vector<VideoItem> shuffled = all;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(3));
  shuffled.resize(150);   // and a shard of a shorter list takes the same ids of what remains
  const std::set<std::string> a2 = ids(items_of_shard(shuffled, {0, 2}));
  for (const std::string& id : a2) EXPECT_TRUE(a.count(id)) << id;
  for (const VideoItem& it : shuffled) EXPECT_EQ(a2.count(it.id) > 0, a.count(it.id) > 0) << it.id;
}

TEST(Shard, HashIsFnv1a64OfTheId) {
  // Reference values of FNV-1a 64 (the published test vectors: "" and "a").
  EXPECT_EQ(shard_hash(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(shard_hash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(shard_of("a", 7), static_cast<int>(0xaf63dc4c8601ec8cULL % 7));
  EXPECT_EQ(items_of_shard(items(5), {0, 1}).size(), 5u);
}

TEST(Shard, ParsesIndexOverCount) {
  const Shard s = parse_shard("2/5", [](const char*) -> const char* { return nullptr; });
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(s.text(), "2/5");
  for (const char* bad : {"5/5", "6/5", "-1/3", "1/0", "0/0", "a/3", "1/b", "1", "1/", "/2", "1/2/3", " 1/2", ""}) {
    try {
      parse_shard(bad, [](const char*) -> const char* { return nullptr; });
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("--shard"), std::string::npos) << e.what();
    }
  }
  try {
    parse_shard("3/3", [](const char*) -> const char* { return nullptr; });
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("outside 0..2"), std::string::npos) << e.what();
  }
}

TEST(Shard, AutoReadsSlurmArraysAndIndexedJobs) {
  std::map<std::string, std::string> env;
  auto lookup = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_THROW(parse_shard("auto", lookup), std::invalid_argument);

  env = {{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};
  EXPECT_EQ(parse_shard("auto", lookup).text(), "3/4");
  env = {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_MIN", "1"}};   // --array=1-4
  EXPECT_EQ(parse_shard("auto", lookup).text(), "3/4");
  env = {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}};   // --array=1-4 without the min: out of range
  EXPECT_THROW(parse_shard("auto", lookup), std::invalid_argument);
  env = {{"SLURM_ARRAY_TASK_ID", "1"}};
  try {
    parse_shard("auto", lookup);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("SLURM_ARRAY_TASK_COUNT is not set"), std::string::npos) << e.what();
  }

  env = {{"JOB_COMPLETION_INDEX", "0"}, {"DFLAB_SHARD_COUNT", "3"}};
  EXPECT_EQ(parse_shard("auto", lookup).text(), "0/3");
  env = {{"JOB_COMPLETION_INDEX", "x"}, {"DFLAB_SHARD_COUNT", "3"}};
  EXPECT_THROW(parse_shard("auto", lookup), std::invalid_argument);
  env = {{"JOB_COMPLETION_INDEX", "2"}};
  try {
    parse_shard("auto", lookup);
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("DFLAB_SHARD_COUNT"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dflab
