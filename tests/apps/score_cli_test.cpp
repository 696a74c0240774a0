// `dflab score`: runs the built binary on the shipped example and on small files written here.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"

namespace dflab {
namespace {

using dflab::testing::run_dflab;

const std::string kExample = std::string(DFLAB_SOURCE_DIR) + "/examples/score";

TEST(ScoreCli, ShippedExampleTextOutput) {
  auto r = run_dflab("score --pred " + kExample + "/prediction.csv --labels " + kExample + "/val_label.txt");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("scored 10 videos (6 fake, 4 real)"), std::string::npos) << r.out;
  for (const char* name : {"logloss", "auc", "tpr_at_fpr", "f1", "accuracy", "eer", "auc_ci_low"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name << "\n" << r.out;
  EXPECT_NE(r.out.find("0.958333"), std::string::npos) << "AUC = 23/24\n" << r.out;
  EXPECT_EQ(r.err, "") << "no warning when both sides list the same names";
}

TEST(ScoreCli, JsonMatchesScikitLearn) {
  // Expected values: tests/apps/score_expected.py (scikit-learn 1.2.1).
  auto r = run_dflab("score --json --bootstrap 200 --seed 7 --pred " + kExample + "/prediction.csv --labels " +
                     kExample + "/val_label.txt");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["n_matched"], 10);
  EXPECT_EQ(doc["pred_format"], "ffdv");
  const auto& m = doc["report"]["metrics"];
  EXPECT_NEAR(m["auc"].get<double>(), 0.9583333333333334, 1e-12);
  EXPECT_NEAR(m["logloss"].get<double>(), 0.31535309736287137, 1e-12);
  EXPECT_NEAR(m["accuracy"].get<double>(), 0.8, 1e-12);
  EXPECT_NEAR(m["f1"].get<double>(), 0.8333333333333334, 1e-12);
  EXPECT_EQ(doc["report"]["options"]["bootstrap_samples"], 200);
  EXPECT_TRUE(doc["missing_predictions"].empty());
}

TEST(ScoreCli, LabeledVideosWithoutPredictionAreAnErrorUnlessAllowed) {
  testing::TempDir d;
  std::string label_text = "video_name,target\n", pred_text = "video_name,score\n";
  for (int i = 0; i < 15; ++i) {
    label_text += "v" + std::to_string(i) + ".mp4," + std::to_string(i % 2) + "\n";
    if (i < 2) pred_text += "v" + std::to_string(i) + ".mp4,0.5\n";
  }
  const auto labels = d.write("val_label.txt", label_text);
  const auto pred = d.write("prediction.csv", pred_text);
  for (const char* json : {"", "--json "}) {
    auto r = run_dflab(std::string("score ") + json + "--pred " + pred + " --labels " + labels);
    EXPECT_EQ(r.code, 1) << json << r.out;
    EXPECT_NE(r.err.find("13 labeled video(s) of " + labels + " have no prediction in " + pred +
                         ": v2.mp4, v3.mp4, v4.mp4, v5.mp4, v6.mp4, v7.mp4, v8.mp4, v9.mp4, v10.mp4, v11.mp4 and 3 more"),
              std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--allow-missing"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << "no metrics printed for a partial file";
  }
  auto allowed = run_dflab("score --allow-missing --pred " + pred + " --labels " + labels);
  EXPECT_EQ(allowed.code, 0) << allowed.err;
  EXPECT_NE(allowed.out.find("scored 2 videos"), std::string::npos) << allowed.out;
}

TEST(ScoreCli, MissingNamesAreWarnedAndTheIntersectionScoredWithAllowMissing) {
  testing::TempDir d;
  const auto labels = d.write("val_label.txt", "video_name,target\na.mp4,1\nb.mp4,0\nc.mp4,1\nd.mp4,0\n");
  const auto pred = d.write("prediction.csv", "video_name,score\na.mp4,0.9\nb.mp4,0.2\nc.mp4,0.6\nx.mp4,0.5\n");
  auto r = run_dflab("score --allow-missing --pred " + pred + " --labels " + labels);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("1 labeled video(s) of " + labels + " have no prediction in " + pred + ": d.mp4"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 predicted video(s) of " + pred + " have no label in " + labels + ": x.mp4"),
            std::string::npos) << r.err;
  EXPECT_NE(r.out.find("scored 3 videos (2 fake, 1 real)"), std::string::npos) << r.out;

  auto j = run_dflab("score --json --allow-missing --pred " + pred + " --labels " + labels);
  ASSERT_EQ(j.code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["missing_predictions"], nlohmann::json::array({"d.mp4"}));
  EXPECT_EQ(doc["missing_labels"], nlohmann::json::array({"x.mp4"}));
  EXPECT_EQ(doc["report"]["n"], 3);
}

TEST(ScoreCli, EmptyIntersectionFails) {
  testing::TempDir d;
  const auto labels = d.write("val_label.txt", "video_name,target\na.mp4,1\n");
  const auto pred = d.write("prediction.csv", "video_name,score\nz.mp4,0.9\n");
  auto r = run_dflab("score --allow-missing --pred " + pred + " --labels " + labels);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("nothing to score"), std::string::npos) << r.err;
}

TEST(ScoreCli, MalformedLinesAreReportedWithFileAndLine) {
  testing::TempDir d;
  const auto labels = d.write("val_label.txt", "video_name,target\na.mp4,1\nb.mp4,0\n");
  const auto pred = d.write("prediction.csv", "video_name,score\na.mp4,0.9\nb.mp4,zero point two\nc.mp4\n");
  auto r = run_dflab("score --pred " + pred + " --labels " + labels);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(pred + ":3: score 'zero point two' of 'b.mp4' is not a number in [0, 1]"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(pred + ":4: expected 2 columns, got 1"), std::string::npos) << r.err;

  EXPECT_NE(r.err.find("2 problem(s) found"), std::string::npos) << r.err;

  // Both files' problems in one run.
  const auto bad_labels = d.write("bad_label.txt", "video_name,target\na.mp4,7\n");
  auto r2 = run_dflab("score --pred " + pred + " --labels " + bad_labels);
  EXPECT_EQ(r2.code, 1);
  EXPECT_NE(r2.err.find(bad_labels + ":2: label '7' of 'a.mp4'"), std::string::npos) << r2.err;
  EXPECT_NE(r2.err.find(pred + ":3: score"), std::string::npos) << r2.err;
}

TEST(ScoreCli, DfdcSubmissionAgainstMetadataJsonWithClip) {
  testing::TempDir d;
  const auto meta = d.write("metadata.json", R"({"r.mp4": {"label": "REAL"}, "f.mp4": {"label": "FAKE", "original": "r.mp4"},
                                               "g.mp4": {"label": "FAKE", "original": "r.mp4"}})");
  const auto sub = d.write("submission.csv", "filename,label\nr.mp4,0.0\nf.mp4,1.0\ng.mp4,0.0\n");
  auto plain = run_dflab("score --json --bootstrap 0 --pred " + sub + " --labels " + meta);
  ASSERT_EQ(plain.code, 0) << plain.err;
  auto clipped = run_dflab("score --json --bootstrap 0 --dfdc-clip --pred " + sub + " --labels " + meta);
  ASSERT_EQ(clipped.code, 0) << clipped.err;
  const auto p = nlohmann::json::parse(plain.out), c = nlohmann::json::parse(clipped.out);
  EXPECT_EQ(p["pred_format"], "dfdc");
  EXPECT_EQ(p["labels_layout"], "dfdc");
  // g is a confident miss: -log(1e-15)/3 unclipped vs -log(0.01)/3 + 2 * -log(0.99)/3 with the clip.
  EXPECT_NEAR(p["report"]["metrics"]["logloss"].get<double>(), -std::log(1e-15) / 3, 1e-6);
  EXPECT_NEAR(c["report"]["metrics"]["logloss"].get<double>(), (-std::log(0.01) - 2 * std::log(0.99)) / 3, 1e-9);
}

TEST(ScoreCli, OneClassPrintsUndefinedMetrics) {
  testing::TempDir d;
  const auto labels = d.write("val_label.txt", "video_name,target\na.mp4,1\nb.mp4,1\n");
  const auto pred = d.write("prediction.csv", "a.mp4,0.9\nb.mp4,0.4\n");
  auto r = run_dflab("score --pred " + pred + " --labels " + labels);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("undefined (only one class present)"), std::string::npos) << r.out;
}

TEST(ScoreCli, UsageErrors) {
  EXPECT_EQ(run_dflab("score --pred " + kExample + "/prediction.csv").code, 2) << "--labels is required";
  EXPECT_EQ(run_dflab("score --pred /nonexistent.csv --labels " + kExample + "/val_label.txt").code, 2);
}

TEST(ScoreCli, DbLogsAnExternalRunTheLeaderboardShows) {
  testing::TempDir d;
  const std::string db = d / "store/runs.sqlite";
  const std::string args = " --pred " + kExample + "/prediction.csv --labels " + kExample + "/val_label.txt --db " + db;
  auto r = run_dflab("score --bootstrap 0 --experiment notebook --run kaggle-a" + args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("logged as run"), std::string::npos) << r.err;
  auto lb = run_dflab("leaderboard --json --metric auc --split val --db " + db);
  ASSERT_EQ(lb.code, 0) << lb.err;
  const auto doc = nlohmann::json::parse(lb.out);
  ASSERT_NE(lb.out.find("kaggle-a"), std::string::npos) << lb.out;
  EXPECT_NE(lb.out.find("0.958333"), std::string::npos) << "the stored AUC is the scored one\n" << lb.out;
  auto show = run_dflab("show notebook/kaggle-a --json --db " + db);
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("prediction.csv"), std::string::npos) << "params name the scored file";
}

}  // namespace
}  // namespace dflab
