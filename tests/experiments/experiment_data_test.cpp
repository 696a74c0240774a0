// experiments/experiment_data.cpp: the dataset an experiment names, with its splits settled.
#include "experiments/experiment_data.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "experiments/builtin_plugins.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

class ExperimentDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dflab_expdata_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data" / "clips");
    for (const char* v : {"a", "b", "c", "d", "e"}) std::ofstream(dir_ / "data" / "clips" / (std::string(v) + ".mp4")) << "x";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const fs::path& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
    return (dir_ / rel).string();
  }
  Dataset load(const std::string& data_section) {
    const std::string toml = write("exp.toml", "[experiment]\nname = \"d\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                                               "val_fraction = 0.0\n" + data_section);
    Registry reg = builtin_registry();
    return load_experiment_dataset(load_experiment(toml, reg));
  }
  static std::map<std::string, std::string> splits(const Dataset& ds) {
    std::map<std::string, std::string> out;
    for (const auto& v : ds.items) out[v.id] = v.split;
    return out;
  }
  fs::path dir_;
};

// A researcher who marks rows "val" and "test" in a split column means them: training on them
// because the file is named by [data] train would leak held-out videos into training.
TEST_F(ExperimentDataTest, CsvSplitColumnIsHonouredWhenTheFileIsNamedByTrain) {
  write("data/labels.csv", "path,label,split\nclips/a.mp4,1,train\nclips/b.mp4,0,val\nclips/c.mp4,1,test\n"
                           "clips/d.mp4,0,\nclips/e.mp4,1,train\n");
  const Dataset ds = load("train = \"labels.csv\"\n");
  EXPECT_EQ(splits(ds), (std::map<std::string, std::string>{{"clips/a.mp4", "train"}, {"clips/b.mp4", "val"},
                                                            {"clips/c.mp4", "test"}, {"clips/d.mp4", "train"},
                                                            {"clips/e.mp4", "train"}}))
      << "rows without a split take the key's";
  EXPECT_TRUE(ds.skipped.empty());

  // Named by two keys, the file is read once: no duplicate rows, the column still sorts them.
  const Dataset twice = load("train = \"labels.csv\"\nval = \"labels.csv\"\n");
  EXPECT_EQ(twice.items.size(), 5u);
  EXPECT_TRUE(twice.skipped.empty());
  EXPECT_EQ(splits(twice), splits(ds));

  // A file without a split column takes the key's split, as before.
  write("data/val.csv", "path,label\nclips/b.mp4,0\n");
  EXPECT_EQ(splits(load("val = \"val.csv\"\n")), (std::map<std::string, std::string>{{"clips/b.mp4", "val"}}));
}

TEST_F(ExperimentDataTest, VideosListedOutsideTheRootAreKeptWithAWarningNamingFileAndLine) {
  std::ofstream(dir_ / "outside.mp4") << "x";
  fs::create_symlink(dir_ / "outside.mp4", dir_ / "data" / "clips" / "linked.mp4");
  const std::string csv = write("data/labels.csv", "path,label\n"          // 1
                                                   "clips/a.mp4,1\n"       // 2
                                                   "../outside.mp4,0\n"    // 3
                                                   "clips/linked.mp4,1\n"  // 4 a link inside the root: fine
                                                   + (dir_ / "outside.mp4").string() + ",1\n");   // 5 an absolute path elsewhere
  const Dataset ds = load("train = \"labels.csv\"\n");
  EXPECT_EQ(ds.items.size(), 4u) << "kept";
  ASSERT_EQ(ds.warnings.size(), 2u);
  EXPECT_EQ(ds.warnings[0].to_string(), csv + ":3: '../outside.mp4' is outside the dataset root " +
                                            (dir_ / "data").string() + ": " + (dir_ / "outside.mp4").string());
  EXPECT_EQ(ds.warnings[1].file, csv);
  EXPECT_EQ(ds.warnings[1].line, 5);

  // The same dataset read by its layout (no train/val/test keys) warns as well.
  write("data/labels.csv", "path,label\nclips/a.mp4,1\n../outside.mp4,0\n");
  EXPECT_EQ(load("").warnings.size(), 1u);
}

}  // namespace
}  // namespace dflab
