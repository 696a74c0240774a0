#include "datasets/csv_writer.h"

#include <gtest/gtest.h>

#include "datasets/csv_reader.h"

namespace dflab {
namespace {

using Fields = std::vector<std::string>;

// Names a real dataset can hold, each of which broke an unquoted writer or the trimming reader.
const Fields kAwkwardNames = {
    "plain.mp4",
    "a,b.mp4",
    "say \"hi\".mp4",
    "two\nlines.mp4",
    "cr\r\nlf.mp4",
    " leading.mp4",
    "trailing.mp4 ",
    "\ttab.mp4",
    "\"quoted\".mp4",
    "vidéo_日本語_😀.mp4",
    "",
};

TEST(CsvWriter, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain.mp4"), "plain.mp4");
  EXPECT_EQ(csv_field("vidéo.mp4"), "vidéo.mp4");
  EXPECT_EQ(csv_field("in side.mp4"), "in side.mp4") << "inner spaces survive the reader's trim";
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("a\nb"), "\"a\nb\"");
  EXPECT_EQ(csv_field("a\rb"), "\"a\rb\"");
  EXPECT_EQ(csv_field(" a"), "\" a\"");
  EXPECT_EQ(csv_field("a\t"), "\"a\t\"");
  EXPECT_EQ(csv_field("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(csv_field("a,b", ';'), "a,b");
  EXPECT_EQ(csv_row({"video_name", "score"}), "video_name,score\n");
  EXPECT_EQ(csv_row({"a,b.mp4", "0.5"}), "\"a,b.mp4\",0.5\n");
}

TEST(CsvWriter, EveryAwkwardNameReadsBackUnchanged) {
  std::string text = csv_row({"video_name", "score"});
  for (std::size_t i = 0; i < kAwkwardNames.size(); ++i)
    text += csv_row({kAwkwardNames[i], std::to_string(i)});
  const CsvTable t = parse_csv(text, "w.csv", {"video_name"});
  ASSERT_TRUE(t.problems.empty()) << t.problems.to_string();
  ASSERT_EQ(t.rows.size(), kAwkwardNames.size());
  for (std::size_t i = 0; i < kAwkwardNames.size(); ++i) {
    // The reader turns a quoted CRLF into '\n' (one line break, as a text editor would).
    std::string want = kAwkwardNames[i];
    for (auto p = want.find("\r\n"); p != std::string::npos; p = want.find("\r\n")) want.replace(p, 2, "\n");
    EXPECT_EQ(t.rows[i].fields, (Fields{want, std::to_string(i)})) << "row " << i;
  }
}

TEST(CsvWriter, OtherDelimiterRoundTrips) {
  const std::string text = csv_row({"a;b", "c,d", " e "}, ';');
  const CsvTable t = parse_csv(text, "w.csv", {}, ';');
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].fields, (Fields{"a;b", "c,d", " e "}));
}

}  // namespace
}  // namespace dflab
