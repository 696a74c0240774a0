// Trust in resumed and repeated runs, through the CLI: a run stopped at any point — SIGKILL
// during preprocessing or between a checkpoint and its store write, Ctrl-C / SIGTERM mid-epoch —
// and resumed ends with the same best epochs and a byte-identical prediction.csv as an
// uninterrupted run (threads = 1). A resumed run whose settings changed trains again as a new run
// and says which settings changed; every run keeps its own checkpoints.
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/experiments/tiny_experiment.h"

namespace dflab {
namespace {

using namespace dflab::testing;
namespace fs = std::filesystem;

nlohmann::json show_run(const std::string& run, const std::string& db) {
  const auto r = run_dflab("show " + run + " --db " + db + " --json");
  EXPECT_EQ(r.code, 0) << r.err;
  return r.code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

std::string param(const nlohmann::json& show, const std::string& key) {
  for (const auto& [k, v] : show["params"].items())
    if (k == key) return v.get<std::string>();
  return "";
}

// dflab's temp files: `name.tmp<pid>`, and the face cache's staging folders under `.tmp/`.
bool is_temp_file(const fs::path& p) {
  const std::string name = p.filename().string();
  const std::size_t at = name.rfind(".tmp");
  const bool numbered = at != std::string::npos && at + 4 < name.size() &&
                        name.find_first_not_of("0123456789", at + 4) == std::string::npos;
  return numbered || p.parent_path().filename() == ".tmp";
}

struct Stop {
  std::string name;
  std::vector<std::string> env;   // DFLAB_STOP_AT / DFLAB_STOP_SIGNAL
  int external_signal = 0;        // or a signal the test sends once the log shows `when`
  std::string when;
  int exit_code = -1;             // expected exit code; -1: killed by SIGKILL
};

TEST(ResumeCli, EveryStopPointResumesToTheSameResultBitForBit) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  const std::string toml_text = tiny_experiment_toml(data, 3, 8, /*threads=*/1);
  const std::string full_toml = d.write("full/exp.toml", toml_text);
  const auto full = run_dflab("run " + full_toml);
  ASSERT_EQ(full.code, 0) << full.err;
  const std::string full_csv = read_file(d / "full/work/prediction.csv");
  ASSERT_FALSE(full_csv.empty());
  const std::string full_db = d / "full/runs.sqlite";
  std::map<std::string, std::string> full_best;
  for (const char* m : {"tiny/video", "tiny/audio"}) full_best[m] = param(show_run(m, full_db), "best_epoch");

  const std::vector<Stop> stops = {
      {"kill_in_preprocessing", {"DFLAB_STOP_AT=preprocess_video:5"}, 0, "", -1},
      {"ctrl_c_mid_epoch", {"DFLAB_STOP_AT=train_step:3", "DFLAB_STOP_SIGNAL=INT"}, 0, "", 130},
      {"kill_between_checkpoint_and_store", {"DFLAB_STOP_AT=after_checkpoint:5"}, 0, "", -1},
      {"sigterm_mid_epoch", {"DFLAB_STOP_AT=train_step:25", "DFLAB_STOP_SIGNAL=TERM"}, 0, "", 143},
      {"ctrl_c_from_outside", {}, SIGINT, "audio epoch 3/8:", 130},
  };
  for (const Stop& stop : stops) {
    SCOPED_TRACE(stop.name);
    const std::string toml = d.write(stop.name + "/exp.toml", toml_text);
    const std::string log = d / (stop.name + "/log.txt");
    const pid_t pid = start_dflab_run(toml, log, stop.env);
    if (stop.external_signal) {
      bool sent = false;
      for (int i = 0; i < 6000 && !sent; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (read_file(log).find(stop.when) != std::string::npos) {
          ::kill(pid, stop.external_signal);
          sent = true;
        }
      }
      ASSERT_TRUE(sent) << read_file(log);
    }
    const int status = wait_for(pid);
    if (stop.exit_code < 0) {
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << read_file(log);
    } else {
      ASSERT_TRUE(WIFEXITED(status)) << read_file(log);
      EXPECT_EQ(WEXITSTATUS(status), stop.exit_code) << read_file(log);
      const std::string err = read_file(log);
      EXPECT_NE(err.find("dflab run " + toml + " --resume"), std::string::npos) << err;
      // The model in training is marked interrupted, not left running.
      const auto runs = run_dflab("runs --db " + (d / stop.name) + "/runs.sqlite --json");
      ASSERT_EQ(runs.code, 0) << runs.err;
      int interrupted = 0, running = 0;
      const nlohmann::json r_doc = nlohmann::json::parse(runs.out);
      for (const auto& r : r_doc["runs"]) {
        interrupted += r["status"] == "interrupted";
        running += r["status"] == "running";
      }
      EXPECT_EQ(interrupted, 1) << runs.out;
      EXPECT_EQ(running, 0) << runs.out;
    }
    EXPECT_FALSE(fs::exists(d / (stop.name + "/work/prediction.csv")));

    const auto resumed = run_dflab("run " + toml + " --resume --json");
    ASSERT_EQ(resumed.code, 0) << resumed.err;
    EXPECT_EQ(read_file(d / (stop.name + "/work/prediction.csv")), full_csv);
    const std::string db = d / (stop.name + "/runs.sqlite");
    for (const char* m : {"tiny/video", "tiny/audio"}) {
      const auto show = show_run(m, db);
      EXPECT_EQ(param(show, "best_epoch"), full_best[m]) << m;
      EXPECT_EQ(show["run"]["status"], "finished") << m;
    }
    // One run per model and fusion; each epoch logged once.
    const auto runs = run_dflab("runs --db " + db + " --json");
    EXPECT_EQ(nlohmann::json::parse(runs.out)["runs"].size(), 4u) << runs.out;
    int audio_epochs = 0;
    const nlohmann::json e_doc = show_run("tiny/audio", db);
    for (const auto& e : e_doc["epochs"]) audio_epochs += e["split"] == "train" && e["name"] == "loss";
    EXPECT_EQ(audio_epochs, 8);
    // No temp file survives the restart.
    for (const auto& e : fs::recursive_directory_iterator(d / stop.name)) EXPECT_FALSE(is_temp_file(e.path())) << e.path();
  }
}

TEST(ResumeCli, ChangedSettingsTrainAgainAsANewRunWithItsOwnCheckpoints) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  std::string toml_text = tiny_experiment_toml(data, 1);
  const std::string toml = d.write("exp/exp.toml", toml_text);
  const std::string db = d / "exp/runs.sqlite";
  const auto first = run_dflab("run " + toml + " --json");
  ASSERT_EQ(first.code, 0) << first.err;
  const auto first_audio = show_run("tiny/audio", db);
  const std::int64_t first_id = first_audio["run"]["id"];
  std::string first_ckpt;
  for (const auto& a : first_audio["artifacts"])
    if (a["kind"] == "checkpoint") first_ckpt = a["path"];
  ASSERT_FALSE(first_ckpt.empty());
  EXPECT_EQ(param(first_audio, "config_hash").size(), 64u);
  const std::string clip = data + "/testset/" + lines_of(read_file(data + "/prediction.csv"))[1];
  const auto first_score = run_dflab("predict --db " + db + " --run " + std::to_string(first_id) + " " + clip);
  ASSERT_EQ(first_score.code, 0) << first_score.err;

  // Unchanged: --resume reuses both models.
  const auto same = run_dflab("run " + toml + " --resume --json");
  ASSERT_EQ(same.code, 0) << same.err;
  const nlohmann::json row_doc = nlohmann::json::parse(same.out);
  for (const auto& row : row_doc["rows"])
    if (row["kind"] == "model") EXPECT_EQ(row["status"], "reused") << row.dump();

  // The audio model's learning rate changes: it trains again as a new run, saying why.
  toml_text.replace(toml_text.find("width = 0.5\nmodality = \"audio\"\ntrain = { epochs = 1,"),
                    std::string("width = 0.5\nmodality = \"audio\"\ntrain = { epochs = 1,").size(),
                    "width = 0.5\nmodality = \"audio\"\ntrain = { epochs = 1, lr = 0.01,");
  d.write("exp/exp.toml", toml_text);
  const auto changed = run_dflab("run " + toml + " --resume --json");
  ASSERT_EQ(changed.code, 0) << changed.err;
  EXPECT_NE(changed.err.find("audio (run " + std::to_string(first_id) + "): changed: train.lr; training again"),
            std::string::npos) << changed.err;
  std::map<std::string, nlohmann::json> rows;
  const nlohmann::json changed_doc = nlohmann::json::parse(changed.out);
  for (const auto& row : changed_doc["rows"]) rows[row["name"].get<std::string>()] = row;
  EXPECT_EQ(rows["video"]["status"], "reused");
  EXPECT_EQ(rows["audio"]["status"], "finished");
  EXPECT_NE(rows["audio"]["run_id"].get<std::int64_t>(), first_id);

  // The first run keeps its checkpoint, and predict --run with it gives its old score, from the
  // config stored with it (the file on disk now says lr = 0.01).
  const auto second_audio = show_run("tiny/audio", db);
  for (const auto& a : second_audio["artifacts"])
    if (a["kind"] == "checkpoint") EXPECT_NE(a["path"], first_ckpt);
  ASSERT_TRUE(fs::exists(first_ckpt));
  const auto again = run_dflab("predict --db " + db + " --run " + std::to_string(first_id) + " " + clip);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, first_score.out);

  // A checkpoint whose bytes changed is refused with its digest named.
  {
    std::fstream f(first_ckpt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(first_ckpt) / 2));
    f.put('\x5a');
  }
  const auto damaged = run_dflab("predict --db " + db + " --run " + std::to_string(first_id) + " " + clip);
  EXPECT_EQ(damaged.code, 1);
  EXPECT_NE(damaged.err.find("changed or damaged"), std::string::npos) << damaged.err;
  EXPECT_TRUE(damaged.out.empty()) << damaged.out;
}

// A disk that fills up while a checkpoint is written (here: a file-size limit, whose EFBIG stands in
// for ENOSPC; resnet18's 45 MB checkpoints pass it, the store and caches do not): the model is
// recorded as failed with one readable line naming the file, no temp file is left, the process
// does not abort, and the other model, its submission and the store are intact.
TEST(ResumeCli, AFullDiskFailsTheModelCleanly) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  std::string toml_text = tiny_experiment_toml(data, 1);
  toml_text.replace(toml_text.find("plugin = \"meso4\""), 16, "plugin = \"resnet18\"");
  const std::string toml = d.write("exp/exp.toml", toml_text);
  const std::string out = d / "out.json", err = d / "err.txt";
  const std::string cmd = "bash -c \"trap '' XFSZ; ulimit -f 8192; exec '" + dflab_binary() + "' run '" + toml + "' --json\" >'" +
                          out + "' 2>'" + err + "' </dev/null";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << read_file(err);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_file(err);
  const auto j = nlohmann::json::parse(read_file(out));
  std::map<std::string, nlohmann::json> rows;
  for (const auto& row : j["rows"]) rows[row["name"].get<std::string>()] = row;
  EXPECT_EQ(rows["video"]["status"], "failed");
  const std::string message = rows["video"]["message"];
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  EXPECT_NE(message.find(".pt"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(rows["audio"]["status"], "finished");
  EXPECT_TRUE(fs::exists(j["prediction_csv"].get<std::string>()));
  for (const auto& e : fs::recursive_directory_iterator(d / "exp")) EXPECT_FALSE(is_temp_file(e.path())) << e.path();
  const auto show = show_run("tiny/video", d / "exp/runs.sqlite");
  EXPECT_EQ(show["run"]["status"], "failed");
}

// predict --run uses the config stored with the run: editing the experiment file afterwards
// (another crop size, the model removed) does not change the scores.
TEST(ResumeCli, PredictUsesTheConfigStoredWithTheRun) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  std::string toml_text = tiny_experiment_toml(data, 1);
  const std::string toml = d.write("exp/exp.toml", toml_text);
  const std::string db = d / "exp/runs.sqlite";
  ASSERT_EQ(run_dflab("run " + toml).code, 0);
  const std::string clip = data + "/testset/" + lines_of(read_file(data + "/prediction.csv"))[1];
  const auto before = run_dflab("predict --db " + db + " --run tiny/video " + clip);
  ASSERT_EQ(before.code, 0) << before.err;
  toml_text.replace(toml_text.find("size = 32"), 9, "size = 48");
  const std::string video_entry = "[[models]]\nname = \"video\"";
  toml_text.replace(toml_text.find(video_entry), video_entry.size(), "[[models]]\nname = \"video2\"");
  d.write("exp/exp.toml", toml_text);
  const auto after = run_dflab("predict --db " + db + " --run tiny/video " + clip);
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
}

}  // namespace
}  // namespace dflab
