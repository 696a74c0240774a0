// Evaluation by source end to end on a tiny generated dataset (`dflab synth` clips listed in a CSV
// with a source column): leave_one_source_out runs, per-source metrics in the store, frame_auc,
// the per-source table of `dflab run` and `dflab leaderboard --by source`.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "experiments/store/run_store.h"
#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/experiments/tiny_experiment.h"

namespace dflab {
namespace {

using namespace dflab::testing;

// labels.csv over the synth clips: the 20 labelled clips dealt to gen_a, gen_b, gen_c in turn;
// with `splits`, gen_a's and gen_b's clips are split train/val and gen_c's are test.
std::string write_sources_csv(const TempDir& d, const std::string& data, bool splits) {
  std::string csv = std::string("path,label,source") + (splits ? ",split" : "") + "\n";
  const char* sources[] = {"gen_a", "gen_b", "gen_c"};
  int i = 0;
  for (const char* set : {"trainset", "valset"}) {
    const auto lines = lines_of(read_file(data + "/" + set + "_label.txt"));
    for (std::size_t k = 1; k < lines.size(); ++k, ++i) {
      const std::string name = lines[k].substr(0, lines[k].find(','));
      const std::string label = lines[k].substr(lines[k].find(',') + 1);
      const std::string source = sources[i % 3];
      csv += std::string(set) + "/" + name + "," + label + "," + source;
      if (splits) csv += source == "gen_c" ? ",test" : (i % 2 ? ",val" : ",train");
      csv += "\n";
    }
  }
  return d.write("data/labels.csv", csv);
}

std::string experiment(const std::string& data_keys) {
  return "[experiment]\nname = \"bysource\"\nseed = 5\nthreads = 2\ndb = \"runs.sqlite\"\nwork_dir = \"work\"\n"
         "[data]\nformat = \"csv\"\nroot = \"../data\"\ntrain = \"labels.csv\"\nsource_column = \"source\"\n" +
         data_keys +
         "[video]\nsampling = { strategy = \"uniform\", frames = 4 }\ncrop = { size = 32, margin = 1.3 }\n"
         "[audio]\nfeature = { plugin = \"mel\", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 32, to_db = true }\n"
         "[[models]]\nname = \"video\"\nplugin = \"meso4\"\ninput_size = 32\nmodality = \"video\"\n"
         "train = { epochs = 1, batch = 8, workers = 1 }\n"
         "[[models]]\nname = \"audio\"\nplugin = \"mel_cnn\"\nn_mels = 32\nframes = 32\nwidth = 0.5\nmodality = \"audio\"\n"
         "train = { epochs = 1, batch = 8, workers = 1 }\n"
         "[[fusion]]\nplugin = \"mean\"\n";
}

TEST(SourceProtocolCli, LeaveOneSourceOutTrainsPerSourceAndSummarises) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  write_sources_csv(d, data, false);
  const std::string toml =
      d.write("exp/exp.toml", experiment("protocol = \"leave_one_source_out\"\nval_fraction = 0.3\n"));
  const auto r = run_dflab("run " + toml + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["protocol"], "leave_one_source_out");
  const auto& folds = j["sources"]["folds"];
  ASSERT_EQ(folds.size(), 3u);
  std::vector<std::string> held_out;
  for (const auto& f : folds) {
    held_out.push_back(f["source"].get<std::string>());
    EXPECT_EQ(f["n_real"].get<int>() + f["n_fake"].get<int>() + f["n_train"].get<int>() + f["n_val"].get<int>(), 20)
        << "the held-out source is tested on, every other clip trains or validates";
  }
  EXPECT_EQ(held_out, (std::vector<std::string>{"gen_a", "gen_b", "gen_c"}));

  // One run per model and fusion per source, named MODEL@SOURCE, each tested on its source only.
  std::map<std::string, nlohmann::json> rows;
  for (const auto& row : j["rows"]) rows[row["name"].get<std::string>()] = row;
  ASSERT_EQ(rows.size(), 9u) << j["rows"];
  for (const std::string& s : held_out)
    for (const std::string e : {"video", "audio", "fusion-mean"}) {
      const auto& row = rows[e + "@" + s];
      EXPECT_EQ(row["status"], "finished") << e << "@" << s << ": " << row["message"];
      EXPECT_EQ(row["entry"], e);
      EXPECT_EQ(row["held_out_source"], s);
      EXPECT_TRUE(row["test"]["auc"].is_number()) << e << "@" << s;
      if (e != "fusion-mean") {
        EXPECT_TRUE(row["test"]["frame_auc"].is_number()) << e << "@" << s;
      }
    }
  // The mean over sources is the mean of the per-source test AUCs, inside its interval.
  std::map<std::string, nlohmann::json> means;
  for (const auto& m : j["sources"]["mean"]) means[m["entry"].get<std::string>()] = m;
  ASSERT_EQ(means.size(), 3u);
  for (const std::string e : {"video", "audio", "fusion-mean"}) {
    double sum = 0;
    for (const std::string& s : held_out) sum += rows[e + "@" + s]["test"]["auc"].get<double>();
    EXPECT_NEAR(means[e]["auc"].get<double>(), sum / 3, 1e-12) << e;
    EXPECT_LE(means[e]["auc_ci"][0].get<double>(), means[e]["auc"].get<double>()) << e;
    EXPECT_GE(means[e]["auc_ci"][1].get<double>(), means[e]["auc"].get<double>()) << e;
  }

  // The store: per-source test rows of the held-out source, equal to the whole test split.
  const std::string db = d / "exp/runs.sqlite";
  const auto show = run_dflab("show bysource/video@gen_b --json --db " + db);
  ASSERT_EQ(show.code, 0) << show.err;
  const auto detail = nlohmann::json::parse(show.out);
  EXPECT_EQ(detail["params"]["held_out_source"], "gen_b");
  EXPECT_EQ(detail["params"]["protocol"], "leave_one_source_out");
  EXPECT_EQ(detail["metrics_by_source"]["test"]["gen_b"]["auc"], detail["metrics"]["test"]["auc"]);
  EXPECT_TRUE(detail["metrics"]["test"]["frame_auc"].is_number());
  EXPECT_EQ(detail["metrics_by_source"]["test"].size(), 1u) << "tested on its held-out source only";

  // `dflab predict --run EXP/MODEL@SOURCE` loads that fold's model: its score for a held-out clip
  // is the one the run stored for it.
  const store::RunStore st = store::RunStore::open(db);
  const auto stored = st.predictions(st.resolve_run("bysource/video@gen_b"), "test");
  ASSERT_FALSE(stored.empty());
  for (std::size_t i = 0; i < std::min<std::size_t>(2, stored.size()); ++i) {
    const auto p = run_dflab("predict --db " + db + " --run bysource/video@gen_b --json '" + data + "/" + stored[i].video + "'");
    ASSERT_EQ(p.code, 0) << p.err;
    const auto scored = nlohmann::json::parse(p.out)["scores"];
    ASSERT_EQ(scored.size(), 1u) << p.out;
    EXPECT_EQ(scored[0]["status"], "ok") << p.out;
    EXPECT_NEAR(scored[0]["score"].get<double>(), stored[i].score, 1e-5) << stored[i].video;
  }

  // leaderboard --by source: a row per model and fusion, a column per source.
  const auto lb = run_dflab("leaderboard --by source --json --db " + db);
  ASSERT_EQ(lb.code, 0) << lb.err;
  const auto board = nlohmann::json::parse(lb.out);
  EXPECT_EQ(board["split"], "test");
  std::set<std::string> names;
  for (const auto& row : board["rows"]) {
    names.insert(row["run"].get<std::string>());
    EXPECT_EQ(row["sources"].size(), 3u) << row;
    EXPECT_EQ(row["n_sources"], 3);
    const std::string entry = row["run"].get<std::string>().substr(std::string("bysource/").size());
    EXPECT_NEAR(row["mean"].get<double>(), means[entry]["auc"].get<double>(), 1e-12) << entry;
  }
  EXPECT_EQ(names, (std::set<std::string>{"bysource/video", "bysource/audio", "bysource/fusion-mean"}));
  const auto text = run_dflab("leaderboard --by source --db " + db);
  EXPECT_NE(text.out.find("gen_a"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("MEAN"), std::string::npos) << text.out;

  // The text summary prints the table with its means and intervals.
  const auto again = run_dflab("run " + toml + " --resume");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("leave-one-source-out"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("95% interval"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("video AUC"), std::string::npos) << again.out;
}

TEST(SourceProtocolCli, SplitsProtocolBreaksMetricsDownBySource) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  write_sources_csv(d, data, true);
  const std::string toml = d.write("exp/exp.toml", experiment(""));
  const auto r = run_dflab("run " + toml + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["protocol"], "splits");
  EXPECT_TRUE(j["sources"]["folds"].empty());
  const std::string db = d / "exp/runs.sqlite";
  const auto detail = nlohmann::json::parse(run_dflab("show bysource/video --json --db " + db).out);
  EXPECT_TRUE(detail["metrics"]["val"]["frame_auc"].is_number()) << detail["metrics"];
  const auto& val = detail["metrics_by_source"]["val"];
  EXPECT_TRUE(val.contains("gen_a") && val.contains("gen_b")) << detail["metrics_by_source"];
  EXPECT_FALSE(val.contains("gen_c")) << "gen_c is the test split";
  EXPECT_TRUE(detail["metrics_by_source"]["test"].contains("gen_c")) << detail["metrics_by_source"];
  const auto text = run_dflab("run " + toml + " --resume");
  EXPECT_NE(text.out.find("VAL FRAME AUC"), std::string::npos) << text.out;
}

TEST(SourceProtocolCli, BadSourceSettingsAreClearErrors) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  write_sources_csv(d, data, false);
  auto run = [&](const std::string& keys) {
    return run_dflab("run " + d.write("exp/exp.toml", experiment(keys)));
  };
  const auto absent = run("protocol = \"leave_one_source_out\"\nholdout_sources = [\"gen_z\"]\n");
  EXPECT_NE(absent.code, 0);
  EXPECT_NE(absent.err.find("source 'gen_z' has no labelled videos (sources with labelled videos: gen_a, gen_b, gen_c)"),
            std::string::npos) << absent.err;
  const auto protocol = run("protocol = \"leave-one-out\"\n");
  EXPECT_NE(protocol.code, 0);
  EXPECT_NE(protocol.err.find("protocol"), std::string::npos) << protocol.err;
  d.write("data/labels.csv", "path,label\ntrainset/x.mp4,1\n");
  const auto column = run("");
  EXPECT_NE(column.code, 0);
  EXPECT_NE(column.err.find("source_column = \"source\" but the header has no such column"), std::string::npos)
      << column.err;
  EXPECT_NE(column.err.find("labels.csv"), std::string::npos) << column.err;
}

}  // namespace
}  // namespace dflab
