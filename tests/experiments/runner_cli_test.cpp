// `dflab run` end to end on a tiny generated dataset (`dflab synth`): every model and fusion in
// the store and the summary, prediction.csv complete and in test-list order, bad videos recorded
// and given the prior (resume, signals and predict's statuses: resume_cli_test, predict_cli_test).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/experiments/tiny_experiment.h"

namespace dflab {
namespace {

using namespace dflab::testing;
namespace fs = std::filesystem;

void make_dataset(const std::string& dir) { make_tiny_dataset(dir); }

std::string experiment_toml(const std::string& data, int epochs) { return tiny_experiment_toml(data, epochs); }

TEST(RunCli, TinyExperimentEndToEndWithBrokenVideos) {
  TempDir d;
  const std::string data = d / "data";
  make_dataset(data);
  // A zero-length training video and a truncated test video: recorded, never fatal.
  const auto train_names = lines_of(read_file(data + "/trainset_label.txt"));
  const std::string broken_train = train_names[1].substr(0, train_names[1].find(','));
  std::ofstream(data + "/trainset/" + broken_train, std::ios::trunc).close();
  const auto test_names = lines_of(read_file(data + "/prediction.csv"));
  const std::string broken_test = test_names[2];
  fs::resize_file(data + "/testset/" + broken_test, 300);

  const std::string toml = d.write("exp/exp.toml", experiment_toml(data, 2));
  const auto r = run_dflab("run " + toml + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_train"], 12);
  EXPECT_EQ(j["n_val"], 8);
  EXPECT_EQ(j["n_test"], 4);
  std::map<std::string, nlohmann::json> rows;
  for (const auto& row : j["rows"]) rows[row["name"].get<std::string>()] = row;
  for (const char* name : {"video", "audio", "fusion-mean", "fusion-max"}) {
    ASSERT_TRUE(rows.count(name)) << name;
    EXPECT_EQ(rows[name]["status"], "finished") << name << ": " << rows[name]["message"];
    EXPECT_TRUE(rows[name]["val"]["logloss"].is_number()) << name;
    EXPECT_TRUE(rows[name]["val"]["auc"].is_number()) << name;
  }
  EXPECT_EQ(rows["video"]["kind"], "model");
  EXPECT_EQ(rows["fusion-mean"]["kind"], "fusion");
  EXPECT_GE(rows["video"]["prior_filled"].get<int>(), 1);   // the truncated test video

  // prediction.csv: header, every test video once, in the order of the test list.
  const std::string pred = j["prediction_csv"];
  EXPECT_EQ(pred, (fs::path(d / "exp") / "work" / "prediction.csv").string());
  const auto lines = lines_of(read_file(pred));
  ASSERT_EQ(lines.size(), test_names.size());
  EXPECT_EQ(lines[0], "video_name,score");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].substr(0, lines[i].find(',')), test_names[i]);
    const double score = std::stod(lines[i].substr(lines[i].find(',') + 1));
    EXPECT_GE(score, 0.0);
    EXPECT_LE(score, 1.0);
  }
  EXPECT_EQ(j["submitted"], "fusion-mean");   // the first fusion by default
  const std::string warnings = j["warnings"].dump();
  EXPECT_NE(warnings.find(broken_test), std::string::npos) << warnings;
  std::set<std::string> failed;
  for (const auto& f : j["preprocess_failed"]) failed.insert(f["id"].get<std::string>());
  EXPECT_EQ(failed, (std::set<std::string>{broken_train, broken_test})) << j["preprocess_failed"];

  // The store: four runs, each with val predictions of all 8 videos and per-epoch metrics.
  const auto runs = run_dflab("runs --db " + (d / "exp") + "/runs.sqlite --json");
  ASSERT_EQ(runs.code, 0) << runs.err;
  EXPECT_EQ(nlohmann::json::parse(runs.out)["runs"].size(), 4u) << runs.out;
  const auto show = run_dflab("show tiny/video --db " + (d / "exp") + "/runs.sqlite --json");
  ASSERT_EQ(show.code, 0) << show.err;
  const auto detail = nlohmann::json::parse(show.out);
  EXPECT_EQ(detail["predictions"]["val"], 8) << show.out;
  EXPECT_EQ(detail["predictions"]["test"], 4) << show.out;
  EXPECT_NE(show.out.find("\"logloss\""), std::string::npos);

  // The FFDV test API: one path in, one score out — the same score the run submitted.
  const std::string db = (d / "exp") + "/runs.sqlite";
  const auto one = run_dflab("predict --db " + db + " --run tiny/fusion-mean " + data + "/testset/" + test_names[1]);
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_NEAR(std::stod(one.out), std::stod(lines[1].substr(lines[1].find(',') + 1)), 1e-6) << one.out;
  // A list in, a prediction file out, in list order; the broken video gets no score, its status
  // and a line naming it, and the command exits 1 after scoring the others.
  const auto many = run_dflab("predict --db " + db + " --run tiny/video --list " + data + "/prediction.csv --videos " +
                              data + "/testset --out " + (d / "p.csv"));
  EXPECT_EQ(many.code, 1) << many.err;
  EXPECT_NE(many.err.find(broken_test), std::string::npos) << many.err;
  const auto p_lines = lines_of(read_file(d / "p.csv"));
  ASSERT_EQ(p_lines.size(), test_names.size());
  EXPECT_EQ(p_lines[0], "video_name,score,status");
  for (std::size_t i = 1; i < p_lines.size(); ++i) {
    EXPECT_EQ(p_lines[i].substr(0, p_lines[i].find(',')), test_names[i]);
    if (test_names[i] == broken_test) EXPECT_EQ(p_lines[i], broken_test + ",,unreadable");
    else EXPECT_EQ(p_lines[i].substr(p_lines[i].rfind(',')), ",ok") << p_lines[i];
  }
  // A checkpoint with its experiment file gives the same score as the run.
  const std::string clip = data + "/testset/" + test_names[1];
  const auto by_run = run_dflab("predict --db " + db + " --run tiny/audio " + clip);
  std::string audio_ckpt;
  const nlohmann::json a_doc = nlohmann::json::parse(run_dflab("show tiny/audio --db " + db + " --json").out);
  for (const auto& a : a_doc["artifacts"])
    if (a["kind"] == "checkpoint") audio_ckpt = a["path"];
  EXPECT_NE(audio_ckpt.find("/work/checkpoints/audio/run-"), std::string::npos) << audio_ckpt;
  const auto by_ckpt = run_dflab("predict --checkpoint " + audio_ckpt + " --experiment " + toml + " --model audio " + clip);
  ASSERT_EQ(by_ckpt.code, 0) << by_ckpt.err;
  EXPECT_EQ(by_ckpt.out, by_run.out);
  EXPECT_EQ(run_dflab("predict --checkpoint x.pt " + clip).code, 2);   // needs --experiment
  const auto unknown = run_dflab("predict --db " + db + " --run tiny/nope " + data + "/testset/" + test_names[1]);
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("nope"), std::string::npos) << unknown.err;

  // compare: metric deltas and disagreements of two runs.
  const auto cmp = run_dflab("compare tiny/video tiny/audio --db " + db + " --json");
  ASSERT_EQ(cmp.code, 0) << cmp.err;
  const auto c = nlohmann::json::parse(cmp.out);
  EXPECT_EQ(c["common_videos"], 8);
  const double auc_a = c["metrics"]["auc"]["a"], auc_b = c["metrics"]["auc"]["b"];
  EXPECT_NEAR(c["metrics"]["auc"]["delta"].get<double>(), auc_b - auc_a, 1e-12);
  EXPECT_EQ(c["a_right"].get<int>() + c["b_right"].get<int>(), static_cast<int>(c["disagreements"].size()));

  // The HTML report was written at the end of the run.
  EXPECT_TRUE(fs::exists(j["report"].get<std::string>()));
  EXPECT_NE(read_file(j["report"]).find("fusion-max"), std::string::npos);

  // The text summary names the videos preprocessing could not use and where to see why.
  const auto text = run_dflab("run " + toml + " --resume");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("preprocessing failed for 2 of 24 video(s): "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(broken_train), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(broken_test), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("dflab extract " + toml), std::string::npos) << text.out;
}

// An "av" model end to end: synth clips with the out-of-sync kind, `dflab extract` makes the
// time-aligned samples, `dflab run` trains av_joint on them and scores every val video.
TEST(RunCli, AvModelTrainsOnTimeAlignedSamples) {
  TempDir d;
  const std::string data = d / "data";
  const auto synth = run_dflab("synth --out " + data + " --kinds RealVideo-RealAudio,OutOfSync --train 6 --val 4 "
                               "--test 0 --seconds 1 --size 160x120 --fps 15 --seed 2");
  ASSERT_EQ(synth.code, 0) << synth.err;
  const std::string toml = d.write("exp/exp.toml",
      "[experiment]\nname = \"av\"\nwork_dir = \"work\"\nthreads = 2\n"
      "[data]\nformat = \"ffdv\"\nroot = \"" + data + "\"\n"
      "[video]\nsampling = { strategy = \"fps\", fps = 15, frames = 15 }\ncrop = { size = 64, landmarks = \"detector\" }\n"
      "[audio]\nenabled = false\n"
      "[av]\nmouth_width = 32\nmouth_height = 16\nwindow_s = 0.2\nstack = 5\n"
      "feature = { plugin = \"mfcc\", sample_rate = 16000, n_mfcc = 13, n_fft = 512, hop_length = 160, n_mels = 40 }\n"
      "[[models]]\nname = \"sync\"\nplugin = \"av_joint\"\nmodality = \"av\"\nstack = 5\nmouth_height = 16\n"
      "mouth_width = 32\naudio_bins = 13\naudio_frames = 21\nembed = 8\ntrain = { epochs = 1, batch = 4, workers = 0 }\n");
  const auto extract = run_dflab("extract --json " + toml);
  ASSERT_EQ(extract.code, 0) << extract.err;
  const auto e = nlohmann::json::parse(extract.out);
  EXPECT_EQ(e["n_videos"], 10);
  std::size_t with_samples = 0;
  for (const auto& v : e["videos"]) {
    const std::string status = v["av"]["status"];
    with_samples += status == "ok" || status == "no_face";
  }
  EXPECT_EQ(with_samples, 10u) << extract.out;
  const auto r = run_dflab("run " + toml + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& row : j["rows"]) {
    if (row["name"] != "sync") continue;
    found = true;
    EXPECT_EQ(row["status"], "finished") << row["message"];
    EXPECT_TRUE(row["val"]["auc"].is_number()) << row;
  }
  EXPECT_TRUE(found) << r.out;
}

TEST(RunCli, BadExperimentFileStopsBeforeAnyWork) {
  TempDir d;
  const std::string toml = d.write("exp.toml", "[experiment]\nname = \"x\"\nsedd = 1\n[data]\nformat = \"ffdv\"\nroot = \"nowhere\"\n");
  const auto r = run_dflab("run " + toml);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("exp.toml:3"), std::string::npos) << r.err;   // the unknown key, with its line
  EXPECT_NE(r.err.find("sedd"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d / "runs.sqlite"));
}

// k-fold cross-validation, every fusion plugin, and a DFDC-form submission.
TEST(RunCli, KFoldEveryFusionAndDfdcOutput) {
  TempDir d;
  const std::string data = d / "data";
  make_dataset(data);
  std::string toml = experiment_toml(data, 1);
  toml.replace(toml.find("[data]\n"), 7, "[data]\nfolds = 3\n");
  toml.replace(toml.find("[[fusion]]\nplugin = \"mean\"\n"), std::string("[[fusion]]\nplugin = \"mean\"\n").size(),
               "[[fusion]]\nplugin = \"weighted_mean\"\nweights = [2.0, 1.0]\n"
               "[[fusion]]\nplugin = \"confidence_weighted\"\n[[fusion]]\nplugin = \"stacking\"\n");
  toml += "[output]\nformat = \"dfdc\"\nclip = [0.01, 0.99]\nsubmit = \"audio\"\n";
  const auto r = run_dflab("run " + d.write("exp/exp.toml", toml) + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::set<std::string> names;
  for (const auto& row : j["rows"]) {
    names.insert(row["name"].get<std::string>());
    EXPECT_EQ(row["status"], "finished") << row.dump();
  }
  EXPECT_EQ(names, (std::set<std::string>{"video", "audio", "fusion-weighted_mean", "fusion-confidence_weighted",
                                          "fusion-stacking", "fusion-max"}));
  // Out-of-fold validation scores cover train + val (12 + 8), each fold's model trained apart.
  const std::string db = (d / "exp") + "/runs.sqlite";
  const auto show = nlohmann::json::parse(run_dflab("show tiny/audio --db " + db + " --json").out);
  EXPECT_EQ(show["predictions"]["val"], 20) << show.dump();
  std::set<std::string> splits;
  for (const auto& e : show["epochs"]) splits.insert(e["split"].get<std::string>());
  EXPECT_TRUE(splits.count("train_fold1") && splits.count("train_fold3") && splits.count("val_fold2")) << show["epochs"].dump();
  int checkpoints = 0;
  for (const auto& a : show["artifacts"]) checkpoints += a["kind"] == "checkpoint";
  EXPECT_EQ(checkpoints, 3);
  // DFDC form: filename,label, clipped to [0.01, 0.99], from the run named in [output] submit.
  EXPECT_EQ(j["submitted"], "audio");
  const auto lines = lines_of(read_file(j["prediction_csv"]));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "filename,label");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const double v = std::stod(lines[i].substr(lines[i].find(',') + 1));
    EXPECT_GE(v, 0.01);
    EXPECT_LE(v, 0.99);
  }
}

// A model that cannot train (its input does not fit the features) is recorded as failed with the
// reason; the other models, the fusion and prediction.csv are still produced, and compare names a
// run that does not exist.
TEST(RunCli, AFailingModelIsRecordedAndTheRestGoesOn) {
  TempDir d;
  const std::string data = d / "data";
  make_dataset(data);
  std::string toml = experiment_toml(data, 1);
  toml += "[[models]]\nname = \"audio-wrong\"\nplugin = \"mel_cnn\"\nn_mels = 48\nframes = 32\nmodality = \"audio\"\n"
          "train = { epochs = 1, batch = 8 }\n";
  const auto r = run_dflab("run " + d.write("exp/exp.toml", toml) + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> rows;
  for (const auto& row : j["rows"]) rows[row["name"].get<std::string>()] = row;
  EXPECT_EQ(rows["audio-wrong"]["status"], "failed");
  EXPECT_NE(rows["audio-wrong"]["message"].get<std::string>().find("48"), std::string::npos) << rows["audio-wrong"].dump();
  for (const char* name : {"video", "audio", "fusion-mean", "fusion-max"}) EXPECT_EQ(rows[name]["status"], "finished") << name;
  EXPECT_NE(r.err.find("audio-wrong failed"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(j["prediction_csv"].get<std::string>()));
  const std::string db = (d / "exp") + "/runs.sqlite";
  const auto runs = nlohmann::json::parse(run_dflab("runs --db " + db + " --json").out)["runs"];
  int failed = 0;
  for (const auto& run : runs) failed += run["status"] == "failed";
  EXPECT_EQ(failed, 1);
  const auto cmp = run_dflab("compare tiny/video tiny/nope --db " + db);
  EXPECT_EQ(cmp.code, 1);
  EXPECT_NE(cmp.err.find("nope"), std::string::npos) << cmp.err;
}

// `[[models]] pretrained`: training starts from the file's weights. With lr = 0 nothing moves, so
// the checkpoint's trainable tensors must equal the torchvision state dict's bit for bit (checked
// by python3-torch reading both); the same run without `pretrained` must differ (the comparison can
// fail), and weights of another width stop that model with a message naming `dflab model load-check`.
TEST(RunCli, PretrainedWeightsAreWhereTrainingStarts) {
  const std::string script = std::string(DFLAB_TEST_DATA_DIR) + "/experiments/fixtures/pretrained_run_weights.py";
  TempDir d;
  const std::string py = "/usr/bin/python3 " + script + " ";
  const int made = std::system((py + "make " + (d / "w05.pth") + " 0.5 2>" + (d / "py.log")).c_str());
  if (WEXITSTATUS(made) == 3) GTEST_SKIP() << "python3-torch / torchvision unavailable: " << read_file(d / "py.log");
  ASSERT_EQ(made, 0) << read_file(d / "py.log");
  ASSERT_EQ(std::system((py + "make " + (d / "w10.pth") + " 1.0").c_str()), 0);
  const std::string data = d / "data";
  ASSERT_EQ(run_dflab("synth --out " + data + " --train 8 --val 4 --test 2 --seconds 1 --seed 3").code, 0);

  auto experiment = [&](const std::string& name, const std::string& pretrained) {
    const std::string toml =
        "[experiment]\nname = \"" + name + "\"\nseed = 5\nthreads = 1\ndb = \"runs.sqlite\"\nwork_dir = \"work\"\n"
        "[data]\nformat = \"ffdv\"\nroot = \"" + data + "\"\ntrain = \"trainset_label.txt\"\n"
        "val = \"valset_label.txt\"\ntest = \"prediction.csv\"\n"
        "[video]\nsampling = { strategy = \"uniform\", frames = 2 }\ncrop = { size = 32, margin = 1.3 }\n"
        "[[models]]\nname = \"mnv2\"\nplugin = \"mobilenet_v2\"\nwidth = 0.5\ninput_size = 32\nmodality = \"video\"\n" +
        (pretrained.empty() ? "" : "pretrained = \"" + pretrained + "\"\n") +
        "train = { epochs = 1, batch = 4, workers = 1, lr = 0.0 }\n";
    return d.write(name + "/exp.toml", toml);
  };
  auto checkpoint = [&](const std::string& name) {
    for (const auto& e : fs::recursive_directory_iterator(d / name))
      if (e.path().filename() == "best.pt") return e.path().string();
    return std::string();
  };

  const auto r = run_dflab("run " + experiment("pre", d / "w05.pth") + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rows"][0]["status"], "finished") << r.out;
  const auto show = nlohmann::json::parse(run_dflab("show pre/mnv2 --db " + (d / "pre/runs.sqlite") + " --json").out);
  EXPECT_EQ(show["params"]["pretrained_format"], "state_dict") << show["params"];
  EXPECT_EQ(show["params"]["pretrained"], d / "w05.pth");
  const std::string ckpt = checkpoint("pre");
  ASSERT_FALSE(ckpt.empty());
  const std::string out = d / "cmp.txt";
  EXPECT_EQ(std::system((py + "compare " + (d / "w05.pth") + " " + ckpt + " >" + out + " 2>&1").c_str()), 0) << read_file(out);
  EXPECT_NE(read_file(out).find("compared 158 max_abs_diff 0"), std::string::npos) << read_file(out);

  // The control: the same seed without the file starts elsewhere.
  ASSERT_EQ(run_dflab("run " + experiment("scratch", "")).code, 0);
  const std::string fresh = checkpoint("scratch");
  ASSERT_FALSE(fresh.empty());
  EXPECT_NE(std::system((py + "compare " + (d / "w05.pth") + " " + fresh + " >" + out + " 2>&1").c_str()), 0) << read_file(out);

  // Weights of another width: the model fails, saying how to look closer.
  const auto wrong = run_dflab("run " + experiment("wrong", d / "w10.pth") + " --json");
  const auto rows = nlohmann::json::parse(wrong.out)["rows"];
  ASSERT_EQ(rows.size(), 1u) << wrong.out << wrong.err;
  EXPECT_EQ(rows[0]["status"], "failed");
  const std::string message = rows[0]["message"].get<std::string>();
  EXPECT_NE(message.find("dflab model load-check mobilenet_v2"), std::string::npos) << message;
  EXPECT_NE(message.find("w10.pth"), std::string::npos) << message;
}

// Settings that used to be accepted and ignored: [experiment] description reaches the store and the
// report (escaped); each trained run records the device, dtype and libtorch thread count it used
// (threads = 2 differs from libtorch's default of 1, so an ignored setting shows); mixed_precision
// on a CPU is said to have no effect instead of being dropped in silence.
TEST(RunCli, RunRecordsDeviceDtypeThreadsAndDescription) {
  TempDir d;
  const std::string data = d / "data";
  ASSERT_EQ(run_dflab("synth --out " + data + " --train 8 --val 4 --test 2 --seconds 1 --seed 3").code, 0);
  const std::string toml =
      "[experiment]\nname = \"tiny\"\nseed = 5\nthreads = 2\ndb = \"runs.sqlite\"\nwork_dir = \"work\"\n"
      "description = \"mel <cnn> & \\\"friends\\\"\"\n"
      "[data]\nformat = \"ffdv\"\nroot = \"" + data + "\"\ntrain = \"trainset_label.txt\"\n"
      "val = \"valset_label.txt\"\ntest = \"prediction.csv\"\n"
      "[audio]\nfeature = { plugin = \"mel\", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 32, to_db = true }\n"
      "[[models]]\nname = \"audio\"\nplugin = \"mel_cnn\"\nn_mels = 32\nframes = 32\nwidth = 0.5\nmodality = \"audio\"\n"
      "train = { epochs = 1, batch = 8, workers = 1, device = \"auto\", mixed_precision = true }\n";
  const auto r = run_dflab("run " + d.write("exp/exp.toml", toml) + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(j["warnings"].dump().find("mixed_precision = true has no effect on CPU"), std::string::npos) << j["warnings"];
  const auto show = run_dflab("show tiny/audio --db " + (d / "exp") + "/runs.sqlite --json");
  ASSERT_EQ(show.code, 0) << show.err;
  const auto params = nlohmann::json::parse(show.out)["params"];
  EXPECT_EQ(params["device"], "cpu") << params;   // this libtorch is CPU-only: auto resolves to cpu
  EXPECT_EQ(params["dtype"], "float32") << params;
  EXPECT_EQ(params["threads"], "2") << params;
  EXPECT_EQ(params["description"], "mel <cnn> & \"friends\"") << params;
  const std::string html = read_file(j["report"]);
  EXPECT_NE(html.find("<p class=\"description\">mel &lt;cnn&gt; &amp; &quot;friends&quot;</p>"), std::string::npos);
}

// examples/ffdv.toml on the real FFDV samples in ../shared, with its outputs moved to a temp dir.
TEST(RunCli, FfdvExampleRunsOnTheSharedSamples) {
  const std::string root = std::string(DFLAB_SHARED_DIR) + "/data/ffdv-sample";
  if (!fs::exists(root + "/trainset_label.txt")) GTEST_SKIP() << "no " << root;
  TempDir d;
  std::string toml = read_file(std::string(DFLAB_SOURCE_DIR) + "/examples/ffdv.toml");
  auto set_line = [&](const std::string& key, const std::string& value) {
    const std::size_t at = toml.find("\n" + key + " = ");
    ASSERT_NE(at, std::string::npos) << key;
    const std::size_t end = toml.find('\n', at + 1);
    toml.replace(at + 1, end - at - 1, key + " = \"" + value + "\"");
  };
  set_line("root", root);
  set_line("db", d / "runs.sqlite");
  set_line("work_dir", d / "work");
  const std::string path = d.write("ffdv.toml", toml);
  const auto r = run_dflab("run " + path + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_train"], 5);
  EXPECT_EQ(j["n_val"], 5);
  ASSERT_EQ(j["rows"].size(), 3u);
  for (const auto& row : j["rows"]) EXPECT_EQ(row["status"], "finished") << row.dump();
}

}  // namespace
}  // namespace dflab
