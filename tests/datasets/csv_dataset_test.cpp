#include "datasets/csv_dataset.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_files.h"

namespace dflab {
namespace {

TEST(CsvDataset, HeaderWithSplitAndAnyLabelSpelling) {
  testing::TempDir d;
  const auto csv = d.write("sub/labels.csv",
                           "path,label,split\n"
                           "a/x.wav,bonafide,train\n"
                           "a/y.wav,SPOOF,train\n"
                           "z.mp4,Fake,val\n"
                           "w.mp4,0,val\n");
  for (const char* f : {"sub/a/x.wav", "sub/a/y.wav", "sub/z.mp4", "sub/w.mp4"}) d.write(f, "");
  Dataset ds = read_csv_dataset(csv);
  EXPECT_EQ(ds.layout, "csv");
  ASSERT_EQ(ds.items.size(), 4u);
  EXPECT_EQ(ds.items[0].id, "a/x.wav");
  EXPECT_EQ(ds.items[0].path, (d.path() / "sub" / "a" / "x.wav").string()) << "relative to the CSV's folder";
  EXPECT_EQ(ds.items[0].label, 0);
  EXPECT_EQ(ds.items[1].label, 1);
  EXPECT_EQ(ds.items[2].label, 1);
  EXPECT_EQ(ds.items[3].label, 0);
  EXPECT_EQ(ds.items[3].split, "val");
}

// The readers' string fast paths must give what std::filesystem gives, odd names included.
TEST(DatasetPaths, JoinAndFolderSourceAgreeWithFilesystem) {
  namespace fs = std::filesystem;
  for (const std::string dir : {"/data/set", "/data/set/", "/", "/a"}) {
    for (const std::string name : {"v.mp4", "part_0/v.mp4", "./v.mp4", "../v.mp4", "a/../b.mp4", "a//b.mp4",
                                   "a/./b.mp4", ".hidden/v.mp4", "..v.mp4", "v..", "/abs/v.mp4", "dir/",
                                   "a,b \"q\".mp4", "..", "."}) {
      SCOPED_TRACE(dir + " + " + name);
      const std::string want = (fs::path(dir) / name).lexically_normal().string();
      EXPECT_EQ(join_normal(dir, name), want);
      const std::string parent = fs::path(want).parent_path().filename().string();
      EXPECT_EQ(folder_source(want), parent.empty() ? "unknown" : parent);
    }
  }
  for (const std::string odd : {"v.mp4", "/v.mp4", "a//b/c.mp4", "a/b/", "./c.mp4", "../c.mp4", "x/./y/z.mp4", "/a/.b/c"}) {
    SCOPED_TRACE(odd);
    const std::string parent = fs::path(odd).parent_path().filename().string();
    EXPECT_EQ(folder_source(odd), parent.empty() ? "unknown" : parent);
  }
}

TEST(CsvDataset, HeaderlessTwoColumnsAndAbsolutePaths) {
  testing::TempDir d;
  const auto abs = d.write("media/v.mp4", "");
  const auto csv = d.write("l.csv", abs + ",REAL\nmedia/v2.mp4,\n");
  d.write("media/v2.mp4", "");
  Dataset ds = read_csv_dataset(csv);
  ASSERT_EQ(ds.items.size(), 2u);
  EXPECT_EQ(ds.items[0].path, abs);
  EXPECT_EQ(ds.items[0].split, "all");
  EXPECT_FALSE(ds.items[1].label.has_value()) << "an empty label leaves the item unlabeled";
}

TEST(CsvDataset, NamedColumnsInAnyOrder) {
  testing::TempDir d;
  const auto csv = d.write("labels.csv", "path,target,source,why\nf.mp4,1,sadtalker,\"lip, sync\"\n");
  d.write("f.mp4", "");
  Dataset ds = read_csv_dataset(csv);
  ASSERT_EQ(ds.items.size(), 1u);
  EXPECT_EQ(ds.items[0].label, 1);
}

TEST(CsvDataset, OriginalColumnPairsAFakeWithItsRealAndGroupsThem) {
  testing::TempDir d;
  const auto csv = d.write("labels.csv", "path,label,original\nreal.mp4,0,\nfake.mp4,1,real.mp4\n");
  d.write("real.mp4", "");
  d.write("fake.mp4", "");
  Dataset ds = read_csv_dataset(csv);
  ASSERT_EQ(ds.items.size(), 2u);
  EXPECT_FALSE(ds.items[0].original.has_value()) << "an empty cell is no original";
  ASSERT_TRUE(ds.items[1].original.has_value());
  EXPECT_EQ(*ds.items[1].original, "real.mp4");
}

TEST(CsvDataset, SourceFromTheNamedColumnElseTheParentFolder) {
  testing::TempDir d;
  const auto csv = d.write("labels.csv",
                           "path,target,Source\n"
                           "gen_a/x.mp4,1,sadtalker\n"
                           "gen_b/y.mp4,0,\n"          // empty cell: the parent folder
                           "z.mp4,0,hyperlips\n");
  for (const char* f : {"gen_a/x.mp4", "gen_b/y.mp4", "z.mp4"}) d.write(f, "");
  ReadOptions with_column;
  with_column.source_column = "source";   // column names compare case-insensitively
  Dataset ds = read_csv_dataset(csv, with_column);
  ASSERT_EQ(ds.items.size(), 3u);
  EXPECT_EQ(ds.items[0].source, "sadtalker");
  EXPECT_EQ(ds.items[1].source, "gen_b");
  EXPECT_EQ(ds.items[2].source, "hyperlips");
  EXPECT_EQ(ds.sources(), (std::vector<std::string>{"gen_b", "hyperlips", "sadtalker"}));

  Dataset by_folder = read_csv_dataset(csv);
  EXPECT_EQ(by_folder.items[0].source, "gen_a");
  EXPECT_EQ(by_folder.items[2].source, d.path().filename().string()) << "a file beside the CSV: the CSV's folder";
}

TEST(CsvDataset, SourceColumnMissingIsAnErrorNamingTheFileWhateverThePolicy) {
  testing::TempDir d;
  const auto csv = d.write("labels.csv", "path,target\nx.mp4,1\n");
  const auto headerless = d.write("bare.csv", "x.mp4,1\n");
  d.write("x.mp4", "");
  ReadOptions o;
  o.source_column = "generator";
  o.policy = ProblemPolicy::skip;
  try {
    read_csv_dataset(csv, o);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(csv), std::string::npos) << what;
    EXPECT_NE(what.find("generator"), std::string::npos) << what;
    EXPECT_NE(what.find("columns: path, target"), std::string::npos) << what;
  }
  EXPECT_THROW(read_csv_dataset(headerless, o), ConfigError);
}

TEST(CsvDataset, TalkingHeadsSources) {
  const std::string csv = DFLAB_SHARED_DIR "/data/talking-heads/labels.csv";
  if (!std::filesystem::is_regular_file(csv)) GTEST_SKIP() << "no shared samples at " << csv;
  ReadOptions o;
  o.source_column = "source";
  o.check_files = false;
  const Dataset ds = read_csv_dataset(csv, o);
  EXPECT_EQ(ds.sources(), (std::vector<std::string>{"hyperlips", "sadtalker", "vexpress"}));
}

TEST(CsvDataset, ProblemsWithLines) {
  testing::TempDir d;
  const auto csv = d.write("l.csv",
                           "path,label\n"     // 1
                           "a.mp4,1\n"        // 2
                           "b.mp4,yes\n"      // 3 bad label
                           "c.mp4\n"          // 4 column count
                           "a.mp4,0\n"        // 5 duplicate
                           "nope.mp4,0\n");   // 6 missing
  for (const char* f : {"a.mp4", "b.mp4", "c.mp4"}) d.write(f, "");
  Dataset ds = read_csv_dataset(csv, {ProblemPolicy::skip});
  ASSERT_EQ(ds.items.size(), 1u);
  ASSERT_EQ(ds.skipped.size(), 4u);
  EXPECT_EQ(ds.skipped[0].to_string(), csv + ":3: label 'yes' of 'b.mp4' is not one of " + allowed_labels_text());
  EXPECT_EQ(ds.skipped[1].to_string(), csv + ":4: expected 2 columns, got 1");
  EXPECT_EQ(ds.skipped[2].line, 5);
  EXPECT_EQ(ds.skipped[3].line, 6);
  try {
    read_csv_dataset(csv);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.diagnostics().size(), 4u);
  }
}

TEST(CsvDataset, EmptyFileAndWrongWidth) {
  testing::TempDir d;
  const auto empty = d.write("e.csv", "\xEF\xBB\xBF");
  Dataset ds = read_csv_dataset(empty, {ProblemPolicy::skip});
  ASSERT_EQ(ds.skipped.size(), 1u);
  EXPECT_EQ(ds.skipped[0].to_string(), empty + ":1: empty file: expected path,label[,split] rows");
  const auto wide = d.write("w.csv", "a,1,train,x\n");
  EXPECT_THROW(read_csv_dataset(wide), ConfigError);
}

TEST(CsvDataset, RealAddSample) {
  const std::string csv = DFLAB_SHARED_DIR "/data/add2022-audio/labels.csv";
  if (!std::filesystem::is_regular_file(csv)) GTEST_SKIP() << "no shared samples at " << csv;
  Dataset ds = read_csv_dataset(csv);
  ASSERT_EQ(ds.items.size(), 40u);
  EXPECT_EQ(ds.count("", 0), 20u) << "bonafide → 0";
  EXPECT_EQ(ds.count("", 1), 20u) << "spoof → 1";
  EXPECT_EQ(ds.count("track2adp", std::nullopt, true) + ds.count("train", std::nullopt, true), 40u);
}

}  // namespace
}  // namespace dflab
