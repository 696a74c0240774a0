// experiments/experiment_data.cpp: the dataset an experiment names, with its splits settled.
#include "experiments/experiment_data.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

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
  ExperimentConfig config(const std::string& data_section, const std::string& val_fraction = "0.0") {
    const std::string toml = write("exp.toml", "[experiment]\nname = \"d\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                                               "val_fraction = " + val_fraction + "\n" + data_section);
    Registry reg = builtin_registry();
    return load_experiment(toml, reg);
  }
  Dataset load(const std::string& data_section) { return load_experiment_dataset(config(data_section)); }
  // Ten clips, five per source (gen_a, gen_b), alternating labels; `extra` rows appended.
  void write_two_sources(const std::string& extra = "") {
    std::string csv = "path,label,source,split\n";
    for (int i = 0; i < 10; ++i) {
      const std::string name = "clips/s" + std::to_string(i) + ".mp4";
      std::ofstream(dir_ / "data" / name) << "x";
      csv += name + "," + std::to_string(i % 2) + "," + (i < 5 ? "gen_a" : "gen_b") + ",train\n";
    }
    write("data/labels.csv", csv + extra);
  }
  static std::vector<std::string> ids(const std::vector<VideoItem>& items) {
    std::vector<std::string> out;
    for (const auto& v : items) out.push_back(v.id);
    return out;
  }
  static std::map<std::string, std::string> splits(const Dataset& ds) {
    std::map<std::string, std::string> out;
    for (const auto& v : ds.items) out[v.id] = v.split;
    return out;
  }
  std::string read_all(const fs::path& rel) {
    std::ifstream in(dir_ / rel);
    return std::string(std::istreambuf_iterator<char>(in), {});
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

  // Many outside: three named, then one warning that counts the rest and points at the first.
  std::string many = "path,label\n";
  for (int k = 0; k < 10; ++k) {
    std::ofstream(dir_ / ("out" + std::to_string(k) + ".mp4")) << "x";
    many += "../out" + std::to_string(k) + ".mp4," + std::to_string(k % 2) + "\n";
  }
  const std::string csv_many = write("data/labels.csv", many);
  const Dataset lots = load("train = \"labels.csv\"\n");
  EXPECT_EQ(lots.items.size(), 10u);
  ASSERT_EQ(lots.warnings.size(), 4u);
  EXPECT_NE(lots.warnings[2].message.find("'../out2.mp4'"), std::string::npos);
  EXPECT_EQ(lots.warnings[3].line, 5) << "the first one not named";
  EXPECT_NE(lots.warnings[3].message.find("7 more listed videos are outside the dataset root"), std::string::npos)
      << lots.warnings[3].message;
}

TEST_F(ExperimentDataTest, SourceFoldsHoldOutEachSourceInTurn) {
  // gen_a's clip s0 is in "val": it validates gen_b's fold and is tested on in gen_a's fold.
  write_two_sources("clips/a.mp4,1,gen_c,test\nclips/b.mp4,,gen_c,test\n");
  std::string text = read_all("data/labels.csv");
  text.replace(text.find("clips/s0.mp4,0,gen_a,train"), 26, "clips/s0.mp4,0,gen_a,val  ");
  write("data/labels.csv", text);
  const ExperimentConfig exp = config("train = \"labels.csv\"\nsource_column = \"source\"\n"
                                      "protocol = \"leave_one_source_out\"\n");
  const Dataset ds = load_experiment_dataset(exp);
  EXPECT_EQ(ds.sources(), (std::vector<std::string>{"gen_a", "gen_b", "gen_c"}));
  const std::vector<SourceFold> folds = source_folds(exp, ds);
  ASSERT_EQ(folds.size(), 3u) << "every source with a labelled video, sorted";
  EXPECT_EQ(folds[0].source, "gen_a");
  EXPECT_EQ(ids(folds[0].test), (std::vector<std::string>{"clips/s0.mp4", "clips/s1.mp4", "clips/s2.mp4",
                                                           "clips/s3.mp4", "clips/s4.mp4"}))
      << "every labelled clip of the held-out source, whatever its split";
  EXPECT_EQ(folds[0].n_real, 3u);
  EXPECT_EQ(folds[0].n_fake, 2u);
  EXPECT_EQ(folds[0].train.size(), 5u) << "gen_b's train rows; gen_c's only labelled clip is a test row";
  EXPECT_TRUE(folds[0].val.empty()) << "no val rows among gen_b and gen_c, val_fraction = 0";
  EXPECT_EQ(ids(folds[1].val), (std::vector<std::string>{"clips/s0.mp4"})) << "the other sources' val rows";
  EXPECT_EQ(folds[1].train.size(), 4u);
  EXPECT_EQ(folds[2].source, "gen_c");
  EXPECT_EQ(ids(folds[2].test), (std::vector<std::string>{"clips/a.mp4"})) << "the unlabelled clip is not tested";
  for (const auto& f : folds)
    for (const auto& v : f.train) EXPECT_NE(v.source, f.source);
}

TEST_F(ExperimentDataTest, SourceFoldsCarveValidationOutOfTheOtherSourcesWhenThereIsNone) {
  write_two_sources();
  const ExperimentConfig exp = config("train = \"labels.csv\"\nsource_column = \"source\"\n"
                                      "protocol = \"leave_one_source_out\"\n", "0.4");
  const Dataset ds = load_experiment_dataset(exp);
  for (const auto& v : ds.items) EXPECT_EQ(v.split, "train") << "no carve-out over every source at once";
  const std::vector<SourceFold> folds = source_folds(exp, ds);
  ASSERT_EQ(folds.size(), 2u);
  for (const auto& f : folds) {
    EXPECT_EQ(f.test.size(), 5u);
    EXPECT_EQ(f.train.size() + f.val.size(), 5u);
    ASSERT_FALSE(f.val.empty()) << f.source;
    ASSERT_FALSE(f.train.empty()) << f.source;
    for (const auto& v : f.val) {
      EXPECT_NE(v.source, f.source);
      EXPECT_EQ(v.split, "val");
    }
    std::set<int> val_labels;
    for (const auto& v : f.val) val_labels.insert(*v.label);
    EXPECT_EQ(val_labels.size(), 2u) << "stratified: both classes in val";
  }
  // Seeded: the same folds again.
  EXPECT_EQ(ids(source_folds(exp, ds)[0].val), ids(folds[0].val));
}

TEST_F(ExperimentDataTest, SourceFoldProblemsAreClearErrors) {
  write_two_sources();
  auto message = [&](const std::string& data) {
    try {
      const ExperimentConfig exp = config("train = \"labels.csv\"\n" + data);
      source_folds(exp, load_experiment_dataset(exp));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // Without source_column every clip's source is its folder, "clips": one source.
  const std::string loso = "protocol = \"leave_one_source_out\"\n";
  const std::string one = message(loso);
  EXPECT_NE(one.find("at least two sources; found 1 (clips)"), std::string::npos) << one;
  const std::string unknown = message(loso + "source_column = \"source\"\nholdout_sources = [\"gen_a\", \"gen_z\"]\n");
  EXPECT_NE(unknown.find("source 'gen_z' has no labelled videos (sources with labelled videos: gen_a, gen_b)"),
            std::string::npos) << unknown;
  const std::string column = message(loso + "source_column = \"generator\"\n");
  EXPECT_NE(column.find("no such column"), std::string::npos) << column;
  EXPECT_NE(column.find("labels.csv"), std::string::npos) << column;
  const std::string protocol = message("protocol = \"loso\"\n");
  EXPECT_NE(protocol.find("protocol"), std::string::npos) << protocol;
  EXPECT_NE(protocol.find("leave_one_source_out"), std::string::npos) << protocol;
  const std::string folds = message(loso + "source_column = \"source\"\nfolds = 3\n");
  EXPECT_NE(folds.find("exclude each other"), std::string::npos) << folds;
}

}  // namespace
}  // namespace dflab
