// examples/av_sync.toml end to end on a small synthetic set: av_sync trains on the real clips
// alone (real_only with av_shift); its detection score is the calibrated offset search (score =
// "sync"), which `dflab predict` reproduces; `dflab av sync` finds how far held-out clips' voices
// were shifted (`dflab synth`'s out-of-sync kind records it in kinds.csv) and gives every file it
// cannot search a status.
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "experiments/store/run_store.h"
#include "modalities/av/sync_calibration.h"
#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/experiments/tiny_experiment.h"

namespace dflab {
namespace {

using namespace dflab::testing;
namespace fs = std::filesystem;

void replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

TEST(AvSyncCli, ARealOnlySyncModelFindsTheShiftOfHeldOutVoices) {
  TempDir d;
  const std::string data = d / "data";
  const auto synth = run_dflab("synth --out " + data + " --kinds RealVideo-RealAudio,OutOfSync --train 16 --val 6 "
                               "--test 6 --seconds 3 --fps 25 --seed 5");
  ASSERT_EQ(synth.code, 0) << synth.err;
  std::string toml = read_file(std::string(DFLAB_SOURCE_DIR) + "/examples/av_sync.toml");
  replace(toml, "\"../demo/av-sync.sqlite\"", "\"" + (d / "runs.sqlite") + "\"");
  replace(toml, "\"../demo/av-sync-work\"", "\"" + (d / "work") + "\"");
  replace(toml, "\"../demo/av-sync-data\"", "\"" + data + "\"");
  replace(toml, "epochs = 8, batch = 32", "epochs = 12, batch = 16");   // 8 real clips: more, smaller steps
  replace(toml, "real_only = true, score = \"sync\" }", "real_only = true, score = \"sync\", sync_max_offset = 20 }");   // not the default: is it used?
  const std::string exp = d.write("exp/av_sync.toml", toml);
  const auto run = run_dflab("run " + exp + " --json");
  ASSERT_EQ(run.code, 0) << run.err;
  const auto rows = nlohmann::json::parse(run.out)["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["status"], "finished") << rows[0]["message"];

  // score = "sync": the calibration is stored with the run, and the validation scores are its
  // output: a logistic regression with an intercept predicts, summed over the videos it was fitted
  // on, exactly as many fakes as there are.
  {
    store::StoreOptions so;
    so.create = false;
    const store::RunStore st = store::RunStore::open(d / "runs.sqlite", so);
    const store::RunId id = st.resolve_run("av-sync/sync");
    std::string stored;
    for (const auto& [k, v] : st.get_run(id).params)
      if (k == "sync_calibration") stored = v;
    ASSERT_FALSE(stored.empty()) << "score = \"sync\" left no calibration in the run";
    const SyncCalibration cal = SyncCalibration::from_json(stored);
    EXPECT_EQ(cal.max_offset, 20);
    double sum = 0.0;
    int fakes = 0, n = 0;
    for (const auto& p : st.predictions(id, "val")) {
      ASSERT_TRUE(p.label.has_value());
      sum += p.score;
      fakes += *p.label;
      ++n;
    }
    EXPECT_EQ(n, 6);
    EXPECT_EQ(fakes, 3);
    EXPECT_NEAR(sum, fakes, 1e-6) << "the validation scores are not the fitted calibration's";
  }

  // The truth: kinds.csv's audio_shift_s (> 0: the voice comes late) in 25 fps frames.
  std::map<std::string, double> shift_frames;
  std::vector<std::string> tests;
  std::istringstream kinds(read_file(data + "/kinds.csv"));
  std::string line;
  std::getline(kinds, line);   // video_name,split,kind,video,audio,target,audio_shift_s
  while (std::getline(kinds, line)) {
    std::vector<std::string> f;
    std::istringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
    ASSERT_EQ(f.size(), 7u) << line;
    if (f[1] != "test") continue;
    shift_frames[f[0]] = std::stod(f[6]) * 25.0;
    tests.push_back(data + "/testset/" + f[0]);
  }
  ASSERT_EQ(tests.size(), 6u);
  std::string files;
  for (const std::string& t : tests) files += " " + t;
  const std::string missing = d / "no_such.mp4";
  const auto sync = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/sync --max-offset 25 --json" + files +
                              " " + missing);
  EXPECT_EQ(sync.code, 1) << "a missing file fails the command, after the others";
  EXPECT_NE(sync.err.find(missing + ": no such file"), std::string::npos) << sync.err;
  const auto j = nlohmann::json::parse(sync.out);
  EXPECT_EQ(j["run"], "av-sync/sync");
  ASSERT_EQ(j["videos"].size(), 7u);
  EXPECT_EQ(j["videos"][6]["status"], "missing");
  EXPECT_FALSE(j["videos"][6].contains("offset_frames")) << "no number where the input could not be read";
  int within_one = 0, shifted = 0;
  for (std::size_t k = 0; k < 6; ++k) {
    const auto& v = j["videos"][k];
    ASSERT_EQ(v["status"], "ok") << v;
    ASSERT_EQ(v["curve"].size(), 51u);
    const double truth = shift_frames.at(v["name"].get<std::string>());
    const int found = v["offset_frames"];
    within_one += std::abs(found - truth) <= 1.0;
    shifted += truth != 0.0;
    EXPECT_NEAR(v["offset_ms"].get<double>(), found * 40.0, 1e-6);
    std::cerr << v["name"] << ": shifted " << truth << " frames, found " << found << " (confidence "
              << v["confidence"] << ")\n";
  }
  EXPECT_EQ(shifted, 3) << "three out-of-sync clips, three in sync";
  EXPECT_GE(within_one, 5) << sync.out;

  // The run's test scores (prediction.csv) are what `dflab predict` gives with the stored
  // calibration, and they rank the out-of-sync clips above the in-sync ones.
  std::map<std::string, double> submitted;
  const std::vector<std::string> csv = lines_of(read_file(d / "work/prediction.csv"));
  for (std::size_t k = 1; k < csv.size(); ++k) {
    const auto comma = csv[k].rfind(',');
    submitted[csv[k].substr(0, comma)] = std::stod(csv[k].substr(comma + 1));
  }
  ASSERT_EQ(submitted.size(), 6u) << read_file(d / "work/prediction.csv");
  const auto predicted = run_dflab("predict --db " + (d / "runs.sqlite") + " --run av-sync/sync --json" + files);
  ASSERT_EQ(predicted.code, 0) << predicted.err;
  std::vector<double> in_sync, out_of_sync;
  const nlohmann::json scores = nlohmann::json::parse(predicted.out)["scores"];
  for (const auto& v : scores) {
    const std::string name = v["video"];
    ASSERT_TRUE(v["score"].is_number()) << v;
    const double score = v["score"];
    EXPECT_NEAR(score, submitted.at(name), 1e-6) << name;
    (shift_frames.at(name) != 0.0 ? out_of_sync : in_sync).push_back(score);
  }
  ASSERT_EQ(in_sync.size(), 3u);
  ASSERT_EQ(out_of_sync.size(), 3u);
  // `dflab av sync` gives the same P(fake) from its wider search (25 frames), narrowed to the 20
  // the calibration was fitted on.
  for (std::size_t k = 0; k < 6; ++k)
    EXPECT_NEAR(j["videos"][k]["fake_probability"].get<double>(), submitted.at(j["videos"][k]["name"]), 1e-6)
        << j["videos"][k];
  int ranked = 0;
  for (double o : out_of_sync)
    for (double i : in_sync) ranked += o > i;
  EXPECT_GE(ranked, 7) << "of 9 (out-of-sync, in-sync) pairs, ordered by the calibrated sync score: " << predicted.out;

  // One file: its fields at the top of the JSON, and the curve drawn.
  const std::string png = d / "curve.png";
  const auto one = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/sync --json --png " + png + " " + tests[0]);
  ASSERT_EQ(one.code, 0) << one.err;
  const auto o = nlohmann::json::parse(one.out);
  EXPECT_TRUE(o["offset_frames"].is_number_integer());
  EXPECT_TRUE(o["confidence"].is_number());
  EXPECT_EQ(o["curve"].size(), 31u);
  EXPECT_GT(fs::file_size(png), 1000u);

  // Files the search cannot use get a status and no numbers: no face, no audio, fewer frames than
  // a stack of mouths.
  if (std::system("command -v ffmpeg >/dev/null 2>&1") == 0) {
    const std::string ff = "ffmpeg -v error -nostdin -y ";
    const std::string no_face = d / "no_face.mp4", no_audio = d / "no_audio.mp4", short_clip = d / "short.mp4";
    ASSERT_EQ(std::system((ff + "-f lavfi -i color=c=gray:s=160x120:r=25 -f lavfi -i sine=frequency=300:sample_rate=16000 "
                           "-t 2 -pix_fmt yuv420p -shortest " + no_face).c_str()), 0);
    ASSERT_EQ(std::system((ff + "-i " + tests[0] + " -an -c:v copy " + no_audio).c_str()), 0);
    ASSERT_EQ(std::system((ff + "-i " + tests[0] + " -frames:v 3 -t 0.12 " + short_clip).c_str()), 0);
    const auto bad = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/sync --json " + no_face + " " +
                               no_audio + " " + short_clip + " " + tests[0]);
    EXPECT_EQ(bad.code, 1) << bad.err;
    const auto b = nlohmann::json::parse(bad.out)["videos"];
    ASSERT_EQ(b.size(), 4u);
    const char* want[] = {"no_face", "no_audio", "too_short", "ok"};
    for (std::size_t k = 0; k < 4; ++k) {
      EXPECT_EQ(b[k]["status"], want[k]) << b[k];
      EXPECT_EQ(b[k].contains("offset_frames"), k == 3) << b[k];
      if (k < 3) EXPECT_NE(bad.err.find(b[k]["path"].get<std::string>()), std::string::npos) << bad.err;
    }
  }

  // Usage and run errors are clear.
  const auto many_png = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/sync --png " + png + files);
  EXPECT_EQ(many_png.code, 2);
  EXPECT_NE(many_png.err.find("--png draws one video's curve"), std::string::npos) << many_png.err;
  const auto no_run = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/nothing " + tests[0]);
  EXPECT_EQ(no_run.code, 1);
  EXPECT_NE(no_run.err.find("nothing"), std::string::npos) << no_run.err;
}

// score = "sync" calibrates on validation videos of both classes: without them the model fails
// before training, saying why, and the run goes on and is recorded.
TEST(AvSyncCli, SyncScoreWithoutFakesInValidationFailsBeforeTraining) {
  TempDir d;
  const std::string data = d / "data";
  ASSERT_EQ(run_dflab("synth --out " + data + " --kinds RealVideo-RealAudio,OutOfSync --train 4 --val 0 --test 2 "
                      "--seconds 1 --fps 25 --seed 3").code, 0);
  std::string toml = read_file(std::string(DFLAB_SOURCE_DIR) + "/examples/av_sync.toml");
  replace(toml, "\"../demo/av-sync.sqlite\"", "\"" + (d / "runs.sqlite") + "\"");
  replace(toml, "\"../demo/av-sync-work\"", "\"" + (d / "work") + "\"");
  replace(toml, "\"../demo/av-sync-data\"", "\"" + data + "\"\nval_fraction = 0.0");   // no validation at all
  const auto run = run_dflab("run " + d.write("exp/av_sync.toml", toml) + " --json");
  const auto rows = nlohmann::json::parse(run.out)["rows"];
  ASSERT_EQ(rows.size(), 1u) << run.err;
  EXPECT_EQ(rows[0]["status"], "failed");
  const std::string message = rows[0]["message"];
  EXPECT_NE(message.find("sync: score = \"sync\" calibrates the offset search on the validation videos, which need "
                         "real and fake ones (0 real, 0 fake)"), std::string::npos) << message;
  EXPECT_NE(run.err.find("model sync failed"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(d / "work/checkpoints/sync")) << "no epoch trained";
}

}  // namespace
}  // namespace dflab
