// `dflab runs`, `dflab show`, `dflab leaderboard`: the built binary on a database this test fills,
// checking text and --json output and the exit codes (0 ok, 1 failure, 2 usage). Each start of
// dflab costs about a second (it loads libtorch), so every call checks several things.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "experiments/store/run_store.h"
#include "tests/experiments/store/temp_dir.h"

namespace dflab::store {
namespace {

using testing::TempDir;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

class CmdRuns : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("DFLAB_DB");
    db_ = tmp_.file("runs.sqlite");
    RunStore s = RunStore::open(db_);
    const ExperimentId ffdv = s.experiment("ffdv");
    const ExperimentId other = s.experiment("other");

    video_ = s.begin_run({ffdv, "video-effnet", "efficientnet_b0", "video", RunKind::model,
                          "[model]\nplugin = \"efficientnet_b0\"\nlr = 3e-4\n", 42, "0.1.0"});
    s.log_params(video_, {{"lr", "0.0003"}, {"batch", "32"}});
    s.log_epoch_metrics(video_, 0, {{"train", "loss", 0.69}, {"val", "logloss", 0.61}});
    s.log_epoch_metrics(video_, 1, {{"train", "loss", 0.42}, {"val", "logloss", 0.45}});
    s.log_metrics(video_, "val", {{"auc", 0.85}, {"logloss", 0.45}, {"tpr_at_fpr", 0.2, "fpr=1e-3"}});
    s.log_metrics(video_, "train", {{"auc", 0.99}});
    s.log_predictions(video_, "val", {{"a.mp4", 1, 0.9}, {"b.mp4", 0, 0.3}});
    s.add_artifact(video_, "checkpoint", "ckpt/video-effnet-e1.pt");
    s.finish_run(video_, RunStatus::finished);

    audio_ = s.begin_run({ffdv, "audio-mel", "mel_resnet18", "audio", RunKind::model, "", {}, "0.1.0"});
    s.log_metrics(audio_, "val", {{"auc", 0.75}, {"logloss", 0.55}});
    s.log_metrics(audio_, "train", {{"auc", 0.80}});
    s.finish_run(audio_, RunStatus::finished);

    fusion_ = s.begin_run({ffdv, "fusion-mean", "mean", "av", RunKind::fusion, "", {}, "0.1.0"});
    s.log_metrics(fusion_, "val", {{"auc", 0.95}, {"logloss", 0.25}});
    s.finish_run(fusion_, RunStatus::finished);

    other_ = s.begin_run({other, "solo", "meso4", "video", RunKind::model, "", {}, "0.1.0"});
    s.log_metrics(other_, "val", {{"auc", 0.60}, {"logloss", 0.20}});   // best logloss, worst AUC
    s.log_metrics(other_, "train", {{"auc", 0.10}});
    s.finish_run(other_, RunStatus::finished);
  }

  Result dflab(const std::string& args, const std::string& env = "") const {
    const std::string out = tmp_.file("stdout.txt");
    const std::string err = tmp_.file("stderr.txt");
    const std::string cmd = env + (env.empty() ? "" : " ") + DFLAB_BINARY_DIR "/apps/dflab " + args + " >" + out +
                            " 2>" + err;
    const int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  std::string db_arg() const { return "--db " + db_; }

  TempDir tmp_;
  std::string db_;
  RunId video_ = 0, audio_ = 0, fusion_ = 0, other_ = 0;
};

TEST_F(CmdRuns, RunsListsEveryRunInAlignedColumns) {
  const Result r = dflab("runs " + db_arg());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 5u) << r.out;   // header + 4 runs
  const auto status_col = lines[0].find("STATUS");
  ASSERT_NE(status_col, std::string::npos);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(lines[i].find("finished"), status_col) << lines[i];
  EXPECT_NE(lines[1].find("video-effnet"), std::string::npos);
  EXPECT_NE(lines[3].find("fusion"), std::string::npos);
  EXPECT_NE(lines[4].find("other"), std::string::npos);
}

TEST_F(CmdRuns, RunsJsonExperimentFilterAndDflabDb) {
  Result r = dflab("runs --experiment ffdv --json", "DFLAB_DB=" + db_);   // the default --db
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["db"], db_);
  ASSERT_EQ(doc["runs"].size(), 3u);
  EXPECT_EQ(doc["runs"][0]["name"], "video-effnet");
  EXPECT_EQ(doc["runs"][0]["seed"], 42);
  EXPECT_EQ(doc["runs"][2]["kind"], "fusion");
  EXPECT_EQ(doc["runs"][2]["status"], "finished");

  r = dflab("runs " + db_arg() + " --experiment nope");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no experiment 'nope' (experiments: ffdv, other)"), std::string::npos) << r.err;
}

TEST_F(CmdRuns, MarkInterruptedSetsRunsOfDeadProcesses) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);   // `child` is now a pid of no live process
  RunId stale = 0;
  {
    RunStore s = RunStore::open(db_);
    NewRun run{*s.find_experiment("ffdv"), "crashed", "meso4", "video", RunKind::model, "", {}, ""};
    run.pid = child;
    stale = s.begin_run(run);
  }
  const Result r = dflab("runs " + db_arg() + " --mark-interrupted --status interrupted --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["marked_interrupted"], nlohmann::json::array({stale}));
  ASSERT_EQ(doc["runs"].size(), 1u) << "--status keeps only the interrupted run";
  EXPECT_EQ(doc["runs"][0]["id"], stale);
  EXPECT_EQ(doc["runs"][0]["name"], "crashed");
}

TEST_F(CmdRuns, ShowPrintsEverySection) {
  const Result r = dflab("show ffdv/video-effnet " + db_arg());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string& o = r.out;
  EXPECT_EQ(o.rfind("run " + std::to_string(video_) + ": ffdv/video-effnet\n", 0), 0u) << o;
  for (const char* s : {"efficientnet_b0", "\nparams\n", "lr", "0.0003", "\nmetrics\n", "\nepochs\n",
                        "train/loss", "val/logloss", "\nartifacts\n", "ckpt/video-effnet-e1.pt",
                        "\npredictions\n", "val: 2 videos", "\nconfig\n", "  lr = 3e-4",
                        "note val/tpr_at_fpr: fpr=1e-3"})
    EXPECT_NE(o.find(s), std::string::npos) << "missing '" << s << "' in\n" << o;
  // Metrics table: one row per metric, one column per split (TRAIN, VAL).
  const auto lines = lines_of(o);
  auto header = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.find("METRIC") != std::string::npos; });
  ASSERT_NE(header, lines.end());
  const auto val_col = header->find("VAL");
  ASSERT_NE(val_col, std::string::npos);
  const auto auc_line = *(header + 1);
  EXPECT_EQ(auc_line.find("0.8500"), val_col) << auc_line;
  EXPECT_NE(auc_line.find("0.9900"), std::string::npos) << auc_line;
  // Epoch table: epoch 1 row holds 0.4200 (train loss) and 0.4500 (val logloss).
  auto epoch1 = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("  1 ", 0) == 0; });
  ASSERT_NE(epoch1, lines.end()) << o;
  EXPECT_NE(epoch1->find("0.4200"), std::string::npos);
  EXPECT_NE(epoch1->find("0.4500"), std::string::npos);
}

TEST_F(CmdRuns, ShowJsonById) {
  const Result r = dflab("show " + std::to_string(video_) + " " + db_arg() + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["run"]["name"], "video-effnet");
  EXPECT_DOUBLE_EQ(doc["metrics"]["val"]["auc"].get<double>(), 0.85);
  EXPECT_EQ(doc["notes"]["val"]["tpr_at_fpr"], "fpr=1e-3");
  EXPECT_EQ(doc["params"]["batch"], "32");
  EXPECT_EQ(doc["epochs"].size(), 4u);
  EXPECT_EQ(doc["artifacts"][0]["kind"], "checkpoint");
  EXPECT_EQ(doc["predictions"]["val"], 2);
  EXPECT_NE(doc["config_toml"].get<std::string>().find("efficientnet_b0"), std::string::npos);
}

// Found by tests/fuzz/store_json_fuzz: a stored string that is not UTF-8 (here a Latin-1 'é' in the
// experiment TOML and a param) made every --json view fail with nlohmann's "invalid UTF-8 byte".
TEST_F(CmdRuns, ShowJsonOfNonUtf8ConfigReplacesTheBytes) {
  RunId run = 0;
  {
    RunStore s = RunStore::open(db_);
    run = s.begin_run({*s.find_experiment("ffdv"), "caf\xe9", "meso4", "video", RunKind::model,
                       "# r\xe9sum\xe9 of the data\n[experiment]\n", {}, "0.1.0"});
    s.log_params(run, {{"root", "/data/\xe9t\xe9"}});
    s.finish_run(run, RunStatus::finished);
  }
  Result r = dflab("show " + std::to_string(run) + " " + db_arg() + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["run"]["name"], "caf\xEF\xBF\xBD");   // U+FFFD
  EXPECT_EQ(doc["config_toml"], "# r\xEF\xBF\xBDsum\xEF\xBF\xBD of the data\n[experiment]\n");
  EXPECT_EQ(doc["params"]["root"], "/data/\xEF\xBF\xBDt\xEF\xBF\xBD");
  r = dflab("runs " + db_arg() + " --experiment ffdv --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto runs = nlohmann::json::parse(r.out);
  EXPECT_EQ(runs["runs"].size(), 4u) << r.out;
}

TEST_F(CmdRuns, ShowUnknownRunFails) {
  const Result r = dflab("show ffdv/nothing " + db_arg());
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("no run 'ffdv/nothing'"), std::string::npos) << r.err;
}

TEST_F(CmdRuns, LeaderboardRanksByAucDescending) {
  const Result r = dflab("leaderboard " + db_arg());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;   // title, header, 4 runs
  EXPECT_EQ(lines[0], "leaderboard: auc on val (higher is better)");
  EXPECT_EQ(lines[1].rfind("RANK", 0), 0u);
  EXPECT_NE(lines[1].find("AUC"), std::string::npos);
  EXPECT_NE(lines[1].find("LOGLOSS"), std::string::npos);
  EXPECT_NE(lines[2].find("ffdv/fusion-mean"), std::string::npos);
  EXPECT_NE(lines[3].find("ffdv/video-effnet"), std::string::npos);
  EXPECT_NE(lines[4].find("ffdv/audio-mel"), std::string::npos);
  EXPECT_NE(lines[5].find("other/solo"), std::string::npos);
  const auto auc_col = lines[1].find("AUC");
  EXPECT_EQ(lines[2].find("0.9500"), auc_col) << lines[2];
}

TEST_F(CmdRuns, LeaderboardLoglossAscendingJsonAndFilters) {
  Result r = dflab("leaderboard " + db_arg() + " --metric logloss --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["metric"], "logloss");
  EXPECT_EQ(doc["ascending"], true);
  ASSERT_EQ(doc["rows"].size(), 4u);
  std::vector<std::string> order;
  for (const auto& row : doc["rows"]) order.push_back(row["run"]["name"]);
  EXPECT_EQ(order, (std::vector<std::string>{"solo", "fusion-mean", "video-effnet", "audio-mel"}));
  EXPECT_DOUBLE_EQ(doc["rows"][0]["value"].get<double>(), 0.20);
  EXPECT_DOUBLE_EQ(doc["rows"][0]["metrics"]["auc"].get<double>(), 0.60);

  // Another split, the direction forced, one experiment only (other/solo has the lowest train AUC).
  r = dflab("leaderboard " + db_arg() + " --split train --ascending --experiment ffdv --json");
  ASSERT_EQ(r.code, 0) << r.err;
  doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["split"], "train");
  EXPECT_EQ(doc["ascending"], true);
  ASSERT_EQ(doc["rows"].size(), 2u);
  EXPECT_EQ(doc["rows"][0]["run"]["name"], "audio-mel");
  EXPECT_EQ(doc["rows"][1]["run"]["name"], "video-effnet");
}

TEST_F(CmdRuns, LeaderboardUnknownMetricListsTheKnownOnes) {
  const Result r = dflab("leaderboard " + db_arg() + " --metric acu");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no finished run has metric 'acu' on split 'val' (metrics on val: auc, logloss, tpr_at_fpr)"),
            std::string::npos)
      << r.err;
}

TEST_F(CmdRuns, MissingDatabaseIsAFailureAndIsNotCreated) {
  const std::string missing = tmp_.file("none/runs.sqlite");
  {
    const Result r = dflab("leaderboard --db " + missing);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("no run database at '" + missing + "'"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("none")));
  // The default path, relative to the current folder, when DFLAB_DB is unset.
  const Result r = dflab("runs", "cd " + tmp_.path().string() + " &&");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no run database at 'runs/dflab.sqlite'"), std::string::npos) << r.err;
}

TEST_F(CmdRuns, CorruptDatabaseIsAFailure) {
  const std::string junk = tmp_.file("junk.sqlite");
  std::ofstream(junk) << std::string(4096, 'x');
  const Result r = dflab("runs --db " + junk);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not an SQLite database"), std::string::npos) << r.err;
}

TEST_F(CmdRuns, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(dflab("show " + db_arg()).code, 2) << "RUN is required";
  EXPECT_EQ(dflab("leaderboard " + db_arg() + " --ascending --descending").code, 2);
  const Result help = dflab("leaderboard --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--metric"), std::string::npos);
}

}  // namespace
}  // namespace dflab::store
