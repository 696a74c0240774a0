// experiments/runner.cpp pieces that need no training: the prediction file it writes.
#include "experiments/runner.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "datasets/csv_writer.h"
#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"

namespace dflab {
namespace {

using dflab::testing::run_dflab;

// Names that an unquoted writer turned into rows `dflab score` rejects or misreads.
const std::vector<std::string> kNames = {
    "plain.mp4", "a,b.mp4", "say \"hi\".mp4", "two\nlines.mp4", " leading.mp4", "trailing.mp4 ",
    "vidéo_日本語_😀.mp4", "\"quoted\",\"twice\".mp4",
};

// Labels alternate fake/real; scores follow the labels, so a name that came back different
// shows as a missing prediction and a swapped one would lower the AUC below 1.
std::string write_labels(const dflab::testing::TempDir& d) {
  std::string text = csv_row({"video_name", "target"});
  for (std::size_t i = 0; i < kNames.size(); ++i) text += csv_row({kNames[i], i % 2 ? "0" : "1"});
  return d.write("val_label.txt", text);
}

std::vector<std::pair<std::string, double>> scores() {
  std::vector<std::pair<std::string, double>> rows;
  for (std::size_t i = 0; i < kNames.size(); ++i) rows.emplace_back(kNames[i], i % 2 ? 0.1 + 0.01 * i : 0.9 - 0.01 * i);
  return rows;
}

void expect_scored_back(const std::string& pred, const std::string& labels) {
  const auto r = run_dflab("score --json --pred '" + pred + "' --labels '" + labels + "'");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["n_matched"], kNames.size()) << r.err;
  EXPECT_TRUE(doc["missing_predictions"].empty()) << doc["missing_predictions"];
  EXPECT_TRUE(doc["missing_labels"].empty()) << doc["missing_labels"];
  EXPECT_DOUBLE_EQ(doc["report"]["metrics"]["auc"].get<double>(), 1.0);
}

TEST(PredictionCsv, AwkwardNamesRoundTripThroughScore) {
  dflab::testing::TempDir d;
  const std::string labels = write_labels(d);
  const std::string pred = d / "prediction.csv";
  write_prediction_csv(pred, "ffdv", scores(), 0.0, 1.0);
  expect_scored_back(pred, labels);

  std::ifstream in(pred);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "video_name,score");
}

TEST(PredictionCsv, DfdcFormRoundTripsAndClips) {
  dflab::testing::TempDir d;
  const std::string labels = write_labels(d);
  const std::string pred = d / "submission.csv";
  write_prediction_csv(pred, "dfdc", scores(), 0.2, 0.8);
  expect_scored_back(pred, labels);
  std::ifstream in(pred);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().rfind("filename,label\nplain.mp4,0.800000\n\"a,b.mp4\",0.200000\n", 0), 0u) << text.str();
}

}  // namespace
}  // namespace dflab
