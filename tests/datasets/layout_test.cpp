#include "datasets/layout.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "datasets/predictions.h"
#include "test_files.h"

namespace dflab {
namespace {

TEST(Layout, DetectsEachLayout) {
  testing::TempDir d;
  d.write("ffdv/trainset_label.txt", "video_name,target\n");
  d.write("dfdc/part_0/metadata.json", "{}");
  d.write("csvdir/labels.csv", "path,label\n");
  d.write("other/readme.txt", "");
  EXPECT_EQ(detect_layout(d / "ffdv"), Layout::ffdv);
  EXPECT_EQ(detect_layout(d / "dfdc"), Layout::dfdc);
  EXPECT_EQ(detect_layout(d / "dfdc/part_0/metadata.json"), Layout::dfdc);
  EXPECT_EQ(detect_layout(d / "csvdir"), Layout::csv);
  EXPECT_EQ(detect_layout(d / "csvdir/labels.csv"), Layout::csv);
  EXPECT_EQ(detect_layout(d / "ffdv/trainset_label.txt"), Layout::ffdv);
  EXPECT_THROW(detect_layout(d / "other"), ConfigError);
  EXPECT_THROW(detect_layout(d / "absent"), ConfigError);
  EXPECT_EQ(to_string(Layout::dfdc), "dfdc");
}

TEST(Layout, ReadDatasetOnASingleLabelFileFindsItsFolder) {
  testing::TempDir d;
  const auto label = d.write("valset_label.txt", "video_name,target\nv.mp4,1\n");
  d.write("valset/v.mp4", "");
  Dataset ds = read_dataset(label);
  ASSERT_EQ(ds.items.size(), 1u);
  EXPECT_EQ(ds.items[0].split, "val");
  EXPECT_EQ(ds.items[0].path, (d.path() / "valset" / "v.mp4").string());
}

TEST(Layout, RealSamples) {
  const std::string shared = DFLAB_SHARED_DIR "/data";
  if (!std::filesystem::is_directory(shared)) GTEST_SKIP() << "no shared samples at " << shared;
  EXPECT_EQ(read_dataset(shared + "/ffdv-sample").layout, "ffdv");
  EXPECT_EQ(read_dataset(shared + "/dfl-swaps-dfdc").layout, "dfdc");
  EXPECT_EQ(read_dataset(shared + "/add2022-audio").items.size(), 40u);
}

TEST(Predictions, FfdvAndDfdcForms) {
  testing::TempDir d;
  const auto ffdv = d.write("prediction.csv", "video_name,score\na.mp4,0.25\r\nb.mp4,1\n");
  PredictionList p = read_predictions(ffdv);
  EXPECT_EQ(p.format, "ffdv");
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.items[0].id, "a.mp4");
  EXPECT_DOUBLE_EQ(p.items[0].score, 0.25);
  EXPECT_EQ(p.items[1].line, 3);
  const auto dfdc = d.write("submission.csv", "filename,label\nx.mp4,0.9\n");
  EXPECT_EQ(read_predictions(dfdc).format, "dfdc");
  const auto bare = d.write("bare.csv", "x.mp4,0.1\n");
  EXPECT_EQ(read_predictions(bare).items.size(), 1u);
}

TEST(Predictions, BadRowsAreReportedWithLines) {
  testing::TempDir d;
  const auto p = d.write("prediction.csv",
                         "video_name,score\n"   // 1
                         "a.mp4,0.5\n"          // 2
                         "b.mp4,high\n"         // 3
                         "c.mp4,1.5\n"          // 4
                         "a.mp4,0.1\n"          // 5
                         "d.mp4\n"              // 6
                         "e.mp4,nan\n");        // 7
  PredictionList skip = read_predictions(p, ProblemPolicy::skip);
  ASSERT_EQ(skip.items.size(), 1u);
  ASSERT_EQ(skip.skipped.size(), 5u);
  EXPECT_EQ(skip.skipped[0].to_string(), p + ":3: score 'high' of 'b.mp4' is not a number in [0, 1]");
  EXPECT_EQ(skip.skipped[1].line, 4);
  EXPECT_EQ(skip.skipped[2].to_string(), p + ":5: duplicate video 'a.mp4' (first listed at " + p + ":2)");
  EXPECT_EQ(skip.skipped[3].to_string(), p + ":6: expected 2 columns, got 1");
  EXPECT_EQ(skip.skipped[4].line, 7);
  try {
    read_predictions(p);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.diagnostics().size(), 5u);
  }
  EXPECT_THROW(read_predictions(d.write("empty.csv", "")), ConfigError);
}

}  // namespace
}  // namespace dflab
