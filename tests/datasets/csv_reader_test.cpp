#include "datasets/csv_reader.h"

#include <gtest/gtest.h>

#include "test_files.h"

namespace dflab {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvReader, BomCrlfAndTrailingBlankLines) {
  CsvTable t = parse_csv("\xEF\xBB\xBFvideo_name,target\r\na.mp4,1\r\nb.mp4 , 0\r\n\r\n\r\n", "l.txt",
                         {"video_name"});
  ASSERT_TRUE(t.problems.empty()) << t.problems.to_string();
  ASSERT_TRUE(t.has_header);
  EXPECT_EQ(t.header.fields, (Fields{"video_name", "target"}));
  EXPECT_EQ(t.column("TARGET"), 1);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"a.mp4", "1"}));
  EXPECT_EQ(t.rows[0].line, 2);
  EXPECT_EQ(t.rows[1].fields, (Fields{"b.mp4", "0"})) << "unquoted fields are trimmed";
  EXPECT_EQ(t.rows[1].line, 3);
}

TEST(CsvReader, QuotedFieldsWithCommasQuotesAndNewlines) {
  const std::string text =
      "path,label\n"                        // 1
      "\"a,b.mp4\",1\n"                     // 2
      "\"say \"\"hi\"\".mp4\",0\n"          // 3
      "\"two\r\nlines.mp4\",1\n"            // 4-5
      "\n"                                  // 6 blank
      "c.mp4,\" 0 \"\n";                    // 7
  CsvTable t = parse_csv(text, "x.csv", {"path"});
  ASSERT_TRUE(t.problems.empty()) << t.problems.to_string();
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"a,b.mp4", "1"}));
  EXPECT_EQ(t.rows[1].fields, (Fields{"say \"hi\".mp4", "0"}));
  EXPECT_EQ(t.rows[2].fields, (Fields{"two\nlines.mp4", "1"}));
  EXPECT_EQ(t.rows[2].line, 4);
  EXPECT_EQ(t.rows[3].line, 7) << "the line count follows newlines inside quotes";
  EXPECT_EQ(t.rows[3].fields, (Fields{"c.mp4", " 0 "})) << "quoted fields are kept verbatim";
}

TEST(CsvReader, NoHeaderWhenFirstRowHasNoKnownName) {
  CsvTable t = parse_csv("a.mp4,1\nb.mp4,0", "l.txt", {"video_name", "target"});
  EXPECT_FALSE(t.has_header);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1].fields, (Fields{"b.mp4", "0"})) << "last line without newline";
  EXPECT_EQ(t.column("target"), -1);
}

TEST(CsvReader, EmptyAndBlankOnlyFiles) {
  EXPECT_TRUE(parse_csv("", "e.csv").empty_file);
  EXPECT_TRUE(parse_csv("\xEF\xBB\xBF\r\n\n  \n", "e.csv").empty_file);
  EXPECT_FALSE(parse_csv("x\n", "e.csv").empty_file);
}

TEST(CsvReader, EmptyFieldsAreKept) {
  CsvTable t = parse_csv("a,,c\n,,\n", "f.csv");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"a", "", "c"}));
  EXPECT_EQ(t.rows[1].fields, (Fields{"", "", ""}));
}

TEST(CsvReader, UnterminatedQuoteIsReportedWithItsLine) {
  CsvTable t = parse_csv("path,label\na.mp4,1\n\"b.mp4,0\nc.mp4,1\n", "bad.csv", {"path"});
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems.items()[0].to_string(), "bad.csv:3: unterminated quoted field (a '\"' is never closed)");
}

TEST(CsvReader, TextAfterClosingQuoteIsReported) {
  CsvTable t = parse_csv("\"a\"b,1\n", "q.csv");
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems.items()[0].line, 1);
}

// With a tab delimiter a tab is not padding: it ends the field, after a closing quote too.
TEST(CsvReader, TabDelimiterIsNeverTrimmedAsSpace) {
  CsvTable t = parse_csv("\"a\"\tb\n\tc \t d\n", "t.tsv", {}, '\t');
  EXPECT_TRUE(t.problems.empty());
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(t.rows[1].fields, (Fields{"", "c", "d"}));
}

TEST(CsvReader, ReadsFilesAndThrowsForUnreadableOnes) {
  testing::TempDir dir;
  const auto p = dir.write("l.txt", "video_name,target\nx.mp4,1\n");
  CsvTable t = read_csv_file(p, {"video_name"});
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.file, p);
  EXPECT_THROW(read_csv_file(dir / "missing.txt"), ConfigError);
  // Not a regular file (no size): read as a stream to its end.
  EXPECT_EQ(read_csv_file("/dev/null").empty_file, true);
}

}  // namespace
}  // namespace dflab
