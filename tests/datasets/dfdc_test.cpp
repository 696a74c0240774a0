#include "datasets/dfdc.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_files.h"

namespace dflab {
namespace {

const char* kMetadata = R"({
 "r1.mp4": {"label": "REAL", "split": "train", "original": null},
 "f1.mp4": {"label": "FAKE", "split": "train", "original": "r1.mp4"},
 "r2.mp4": {"label": "real", "split": "val"},
 "f2.mp4": {"label": "FAKE", "split": "val", "original": "r2.mp4"}
}
)";

TEST(Dfdc, ReadsLabelsSplitsAndOriginals) {
  testing::TempDir d;
  d.write("part_0/metadata.json", kMetadata);
  for (const char* f : {"part_0/r1.mp4", "part_0/f1.mp4", "part_0/r2.mp4", "part_0/f2.mp4"}) d.write(f, "");
  Dataset ds = read_dfdc(d.path().string());
  EXPECT_EQ(ds.layout, "dfdc");
  ASSERT_EQ(ds.items.size(), 4u);
  const VideoItem* f1 = ds.find("f1.mp4");
  ASSERT_NE(f1, nullptr);
  EXPECT_EQ(f1->label, 1);
  EXPECT_EQ(f1->original, "r1.mp4");
  EXPECT_EQ(f1->path, (d.path() / "part_0" / "f1.mp4").string());
  EXPECT_EQ(ds.find("r2.mp4")->label, 0);
  EXPECT_EQ(ds.find("r2.mp4")->split, "val");
  EXPECT_FALSE(ds.find("r1.mp4")->original.has_value());
  EXPECT_EQ(ds.count("val", 1), 1u);
  EXPECT_EQ(ds.find("f1.mp4")->source, "part_0") << "a DFDC video's source is its part folder";
}

TEST(Dfdc, SyntaxErrorIsReportedWithItsLine) {
  testing::TempDir d;
  const auto meta = d.write("metadata.json",
                            "{\n"
                            " \"a.mp4\": {\"label\": \"REAL\"},\n"
                            " \"b.mp4\": {\"label\": \"FAKE\" \"original\": \"a.mp4\"}\n"   // line 3: missing comma
                            "}\n");
  try {
    read_dfdc(d.path().string());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics().items()[0].file, meta);
    EXPECT_EQ(e.diagnostics().items()[0].line, 3) << e.what();
    EXPECT_NE(std::string(e.what()).find("invalid JSON"), std::string::npos) << e.what();
  }
}

// Found by tests/fuzz/dfdc_fuzz: a number too large for a double made nlohmann throw
// out_of_range (not parse_error), which escaped the reader: no file:line, and ProblemPolicy::skip
// threw instead of recording the file as bad.
TEST(Dfdc, NumberOverflowIsReportedWithItsLine) {
  testing::TempDir d;
  const auto meta = d.write("metadata.json",
                            "{\n"
                            " \"a.mp4\": {\"label\": \"REAL\"},\n"
                            " \"g.mp4\": 1e999{\"label\": \"FAKE\"}\n"   // line 3
                            "}\n");
  try {
    read_dfdc(d.path().string());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
    EXPECT_EQ(e.diagnostics().items()[0].file, meta);
    EXPECT_EQ(e.diagnostics().items()[0].line, 3) << e.what();
    EXPECT_NE(std::string(e.what()).find("invalid JSON: number overflow parsing '1e999'"), std::string::npos) << e.what();
  }
  const Dataset ds = read_dfdc_metadata(meta, {ProblemPolicy::skip, /*check_files=*/false, "", ""});
  EXPECT_TRUE(ds.items.empty());
  ASSERT_EQ(ds.skipped.size(), 1u);
  EXPECT_EQ(ds.skipped[0].line, 3);
}

TEST(Dfdc, EntryProblemsCarryTheLineOfTheirKey) {
  testing::TempDir d;
  const auto meta = d.write("metadata.json",
                            "{\n"                                                        // 1
                            " \"r.mp4\": {\"label\": \"REAL\"},\n"                       // 2 ok
                            " \"f.mp4\": {\"label\": \"FAKE\", \"original\": \"x.mp4\"},\n"  // 3 original absent
                            " \"g.mp4\": {\"label\": \"FAKE\", \"original\": \"f.mp4\"},\n"  // 4 original is fake
                            " \"h.mp4\": {\"label\": \"MAYBE\"},\n"                      // 5 bad label
                            " \"i.mp4\": {\"split\": \"train\"},\n"                      // 6 no label
                            " \"gone.mp4\": {\"label\": \"REAL\"},\n"                    // 7 missing file
                            " \"o.mp4\": {\"label\": \"FAKE\",\n"                        // 8 ok, original r.mp4
                            "    \"original\": \"r.mp4\"}\n"
                            "}\n");
  for (const char* f : {"r.mp4", "f.mp4", "g.mp4", "h.mp4", "i.mp4", "o.mp4"}) d.write(f, "");
  Dataset ds = read_dfdc(d.path().string(), {ProblemPolicy::skip, true, "", ""});
  ASSERT_EQ(ds.items.size(), 2u);
  EXPECT_EQ(ds.find("o.mp4")->original, "r.mp4");
  std::map<int, std::string> by_line;
  for (const auto& s : ds.skipped) {
    EXPECT_EQ(s.file, meta);
    by_line[s.line] = s.reason;
  }
  ASSERT_EQ(by_line.size(), 5u);
  EXPECT_EQ(by_line[3], "original 'x.mp4' of fake 'f.mp4' is not in the dataset (or was skipped)");
  EXPECT_EQ(by_line[4], "original 'f.mp4' of fake 'g.mp4' is itself FAKE");
  EXPECT_EQ(by_line[5], "label 'MAYBE' of 'h.mp4' is not REAL or FAKE");
  EXPECT_NE(by_line[6].find("no \"label\""), std::string::npos);
  EXPECT_NE(by_line[7].find("missing file"), std::string::npos);
  EXPECT_THROW(read_dfdc(d.path().string()), ConfigError);
}

TEST(Dfdc, DuplicateAcrossPartsAndSampleSubmission) {
  testing::TempDir d;
  d.write("p0/metadata.json", R"({"a.mp4": {"label": "REAL"}})");
  const auto p1 = d.write("p1/metadata.json", "{\n\"a.mp4\": {\"label\": \"FAKE\"}\n}");
  d.write("p0/a.mp4", "");
  d.write("p1/a.mp4", "");
  d.write("test_videos/t.mp4", "");
  d.write("sample_submission.csv", "filename,label\nt.mp4,0.5\n");
  Dataset ds = read_dfdc(d.path().string(), {ProblemPolicy::skip, true, "", ""});
  ASSERT_EQ(ds.items.size(), 2u);
  EXPECT_EQ(ds.items[0].label, 0) << "split default is train; first listing wins";
  EXPECT_EQ(ds.items[0].split, "train");
  EXPECT_EQ(ds.items[1].split, "test");
  EXPECT_EQ(ds.items[1].path, (d.path() / "test_videos" / "t.mp4").string());
  ASSERT_EQ(ds.skipped.size(), 1u);
  EXPECT_EQ(ds.skipped[0].file, p1);
  EXPECT_EQ(ds.skipped[0].line, 2);
  EXPECT_NE(ds.skipped[0].reason.find("duplicate video 'a.mp4'"), std::string::npos);
}

TEST(Dfdc, EmptyAndNonObjectFiles) {
  testing::TempDir d;
  const auto meta = d.write("metadata.json", "\n");
  Dataset ds = read_dfdc(d.path().string(), {ProblemPolicy::skip, true, "", ""});
  ASSERT_EQ(ds.skipped.size(), 1u);
  EXPECT_EQ(ds.skipped[0].to_string(), meta + ":1: empty file: expected a JSON object of videos");
  d.write("metadata.json", "[1, 2]");
  EXPECT_THROW(read_dfdc(d.path().string()), ConfigError);
}

TEST(Dfdc, LineOfOffset) {
  EXPECT_EQ(line_of_offset("ab\ncd\n", 0), 1);
  EXPECT_EQ(line_of_offset("ab\ncd\n", 3), 2);
  EXPECT_EQ(line_of_offset("ab\ncd\n", 100), 3);
}

TEST(Dfdc, RealSample) {
  const std::string root = DFLAB_SHARED_DIR "/data/dfl-swaps-dfdc";
  if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "no shared samples at " << root;
  Dataset ds = read_dfdc(root);
  ASSERT_EQ(ds.items.size(), 54u);
  EXPECT_EQ(ds.count("train", 0), 27u);
  EXPECT_EQ(ds.count("train", 1), 27u);
  const VideoItem* f = ds.find("nvyguyudar.mp4");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->original, "ytxojrhjab.mp4");
  for (const auto& v : ds.items)
    if (v.label == 1) {
      EXPECT_TRUE(v.original.has_value()) << v.id << ": every swap names its original";
    }
}

}  // namespace
}  // namespace dflab
