#include "datasets/ffdv.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_files.h"

namespace dflab {
namespace {

// A small FFDV root: two labelled splits, a test folder and prediction.csv. Media files are
// empty placeholders: the reader only checks that they exist.
void make_ffdv(const testing::TempDir& d, const std::string& train_label = "trainset_label.txt") {
  d.write(train_label, "video_name,target\na.mp4,1\nb.mp4,0\n");
  d.write("valset_label.txt", "video_name,target\r\nc.mp4,0\r\n");
  for (const char* f : {"trainset/a.mp4", "trainset/b.mp4", "valset/c.mp4", "testset1/t1.mp4", "testset1/t2.mp4"})
    d.write(f, "");
  d.write("prediction.csv", "video_name,score\nt2.mp4,0.5\nt1.mp4,0.5\n");
}

TEST(Ffdv, ReadsSplitsLabelsPathsAndTestList) {
  testing::TempDir d;
  make_ffdv(d);
  Dataset ds = read_ffdv(d.path().string());
  EXPECT_EQ(ds.layout, "ffdv");
  ASSERT_EQ(ds.items.size(), 5u);
  EXPECT_TRUE(ds.skipped.empty());
  EXPECT_EQ(ds.splits(), (std::vector<std::string>{"train", "val", "test"}));
  const VideoItem& a = ds.items[0];
  EXPECT_EQ(a.id, "a.mp4");
  EXPECT_EQ(a.path, (d.path() / "trainset" / "a.mp4").string());
  EXPECT_EQ(a.label, 1);
  EXPECT_EQ(a.split, "train");
  EXPECT_EQ(ds.items[1].label, 0);
  EXPECT_EQ(ds.items[2].split, "val");
  EXPECT_EQ(ds.items[3].id, "t2.mp4") << "test items keep prediction.csv's order";
  EXPECT_EQ(ds.items[3].path, (d.path() / "testset1" / "t2.mp4").string());
  EXPECT_FALSE(ds.items[3].label.has_value());
  EXPECT_EQ(ds.count("train", 1), 1u);
  EXPECT_EQ(ds.count("", std::nullopt), 2u);
  EXPECT_EQ(ds.count("", std::nullopt, true), 5u);
}

TEST(Ffdv, AcceptsTheChallengeFileNames) {
  testing::TempDir d;
  make_ffdv(d, "train_label.txt");
  std::filesystem::rename(d.path() / "valset_label.txt", d.path() / "val_label.txt");
  Dataset ds = read_ffdv(d.path().string());
  EXPECT_EQ(ds.count("train", std::nullopt, true), 2u);
  EXPECT_EQ(ds.count("val", std::nullopt, true), 1u);
  EXPECT_EQ(ds.items[0].path, (d.path() / "trainset" / "a.mp4").string()) << "train_label.txt → trainset/";
}

TEST(Ffdv, UnlistedTestFolderContributesItsVideos) {
  testing::TempDir d;
  make_ffdv(d);
  std::filesystem::remove(d.path() / "prediction.csv");
  Dataset ds = read_ffdv(d.path().string());
  EXPECT_EQ(ds.count("testset1", std::nullopt), 2u);
}

// Every kind of problem in one file: stop lists them all; skip keeps the good rows.
const char* kBadLabels =
    "video_name,target\n"   // 1
    "a.mp4,1\n"             // 2 ok
    "a.mp4,0\n"             // 3 duplicate
    "b.mp4,2\n"             // 4 label outside the set
    "c.mp4,1,extra\n"       // 5 wrong column count
    "gone.mp4,0\n"          // 6 missing file
    ",1\n"                  // 7 empty name
    "e.mp4,FAKE\n";         // 8 ok (REAL/FAKE accepted)

TEST(Ffdv, StopReportsEveryProblemWithFileAndLine) {
  testing::TempDir d;
  const auto label = d.write("trainset_label.txt", kBadLabels);
  for (const char* f : {"trainset/a.mp4", "trainset/b.mp4", "trainset/c.mp4", "trainset/e.mp4"}) d.write(f, "");
  try {
    read_ffdv(d.path().string());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string all = e.what();
    ASSERT_EQ(e.diagnostics().size(), 5u) << all;
    EXPECT_NE(all.find(label + ":3: duplicate video 'a.mp4' (first listed at " + label + ":2)"), std::string::npos) << all;
    EXPECT_NE(all.find(label + ":4: label '2' of 'b.mp4' is not one of 0/1"), std::string::npos) << all;
    EXPECT_NE(all.find(label + ":5: expected 2 columns, got 3"), std::string::npos) << all;
    EXPECT_NE(all.find(label + ":6: missing file " + (d.path() / "trainset" / "gone.mp4").string()),
              std::string::npos) << all;
    EXPECT_NE(all.find(label + ":7: empty video name"), std::string::npos) << all;
  }
}

TEST(Ffdv, SkipRecordsEachProblemAndKeepsTheRest) {
  testing::TempDir d;
  const auto label = d.write("trainset_label.txt", kBadLabels);
  for (const char* f : {"trainset/a.mp4", "trainset/b.mp4", "trainset/c.mp4", "trainset/e.mp4"}) d.write(f, "");
  Dataset ds = read_ffdv(d.path().string(), {ProblemPolicy::skip, true, "", ""});
  ASSERT_EQ(ds.items.size(), 2u);
  EXPECT_EQ(ds.items[0].id, "a.mp4");
  EXPECT_EQ(ds.items[0].label, 1) << "the first of two duplicates is kept";
  EXPECT_EQ(ds.items[1].id, "e.mp4");
  EXPECT_EQ(ds.items[1].label, 1);
  ASSERT_EQ(ds.skipped.size(), 5u);
  std::vector<int> lines;
  for (const auto& s : ds.skipped) {
    EXPECT_EQ(s.file, label);
    lines.push_back(s.line);
  }
  EXPECT_EQ(lines, (std::vector<int>{3, 4, 5, 6, 7}));
  EXPECT_EQ(ds.skipped[1].id, "b.mp4");
}

TEST(Ffdv, EmptyAndHeaderOnlyLabelFilesAreProblems) {
  testing::TempDir d;
  const auto train = d.write("trainset_label.txt", "");
  const auto val = d.write("valset_label.txt", "video_name,target\n\n");
  Dataset ds = read_ffdv(d.path().string(), {ProblemPolicy::skip, true, "", ""});
  EXPECT_TRUE(ds.items.empty());
  ASSERT_EQ(ds.skipped.size(), 2u);
  EXPECT_EQ(ds.skipped[0].to_string(), train + ":1: empty file: expected a header and rows");
  EXPECT_EQ(ds.skipped[1].to_string(), val + ":1: no rows after the header");
  EXPECT_THROW(read_ffdv(d.path().string()), ConfigError);
}

TEST(Ffdv, NoLabelFilesAtAllIsAProblem) {
  testing::TempDir d;
  d.write("readme.md", "hi");
  EXPECT_THROW(read_ffdv(d.path().string()), ConfigError);
  EXPECT_THROW(read_ffdv((d.path() / "nope").string()), ConfigError);
}

TEST(Ffdv, SingleLabelFileWithoutFileChecks) {
  testing::TempDir d;
  const auto label = d.write("val_label.txt", "video_name,target\nx.mp4,1\ny.mp4,0\n");
  Dataset ds = read_ffdv_label_file(label, "val", "", {ProblemPolicy::stop, /*check_files=*/false, /*root=*/"", /*source_column=*/""});
  ASSERT_EQ(ds.items.size(), 2u);
  EXPECT_EQ(ds.items[0].path, (d.path() / "x.mp4").string());
  EXPECT_THROW(read_ffdv_label_file(label, "val", ""), ConfigError) << "files missing when checked";
}

TEST(Ffdv, SplitNames) {
  EXPECT_EQ(ffdv_split_name("trainset"), "train");
  EXPECT_EQ(ffdv_split_name("val"), "val");
  EXPECT_EQ(ffdv_split_name("testset1"), "testset1");
  EXPECT_EQ(ffdv_split_name("set"), "set");
}

TEST(Ffdv, RealSample) {
  const std::string root = DFLAB_SHARED_DIR "/data/ffdv-sample";
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "no shared samples at " << root;
  Dataset ds = read_ffdv(root);
  ASSERT_EQ(ds.items.size(), 10u);
  EXPECT_EQ(ds.count("train", std::nullopt, true), 5u);
  EXPECT_EQ(ds.count("val", std::nullopt, true), 5u);
  EXPECT_EQ(ds.count("", 0), 3u);
  EXPECT_EQ(ds.count("", 1), 7u);
  const VideoItem* v = ds.find("ba4011bae99c1b919ab6049c47453446.mp4");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->label, 0);
  EXPECT_EQ(v->split, "val");
  EXPECT_TRUE(std::filesystem::is_regular_file(v->path));
}

}  // namespace
}  // namespace dflab
