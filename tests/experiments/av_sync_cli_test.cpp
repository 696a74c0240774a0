// examples/av_sync.toml end to end on a small synthetic set: av_sync trains on the real clips
// alone (real_only with av_shift) and `dflab av sync` finds how far held-out clips' voices were
// shifted (`dflab synth`'s out-of-sync kind records it in kinds.csv).
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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
  const auto synth = run_dflab("synth --out " + data + " --kinds RealVideo-RealAudio,OutOfSync --train 16 --val 0 "
                               "--test 6 --seconds 3 --fps 25 --seed 5");
  ASSERT_EQ(synth.code, 0) << synth.err;
  std::string toml = read_file(std::string(DFLAB_SOURCE_DIR) + "/examples/av_sync.toml");
  replace(toml, "\"../demo/av-sync.sqlite\"", "\"" + (d / "runs.sqlite") + "\"");
  replace(toml, "\"../demo/av-sync-work\"", "\"" + (d / "work") + "\"");
  replace(toml, "\"../demo/av-sync-data\"", "\"" + data + "\"");
  replace(toml, "epochs = 8, batch = 32", "epochs = 12, batch = 16");   // 8 real clips: more, smaller steps
  const std::string exp = d.write("exp/av_sync.toml", toml);
  const auto run = run_dflab("run " + exp + " --json");
  ASSERT_EQ(run.code, 0) << run.err;
  const auto rows = nlohmann::json::parse(run.out)["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["status"], "finished") << rows[0]["message"];

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

  // One file: its fields at the top of the JSON, and the curve drawn.
  const std::string png = d / "curve.png";
  const auto one = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/sync --json --png " + png + " " + tests[0]);
  ASSERT_EQ(one.code, 0) << one.err;
  const auto o = nlohmann::json::parse(one.out);
  EXPECT_TRUE(o["offset_frames"].is_number_integer());
  EXPECT_TRUE(o["confidence"].is_number());
  EXPECT_EQ(o["curve"].size(), 31u);
  EXPECT_GT(fs::file_size(png), 1000u);

  // Usage and run errors are clear.
  const auto many_png = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/sync --png " + png + files);
  EXPECT_EQ(many_png.code, 2);
  EXPECT_NE(many_png.err.find("--png draws one video's curve"), std::string::npos) << many_png.err;
  const auto no_run = run_dflab("av sync --db " + (d / "runs.sqlite") + " --run av-sync/nothing " + tests[0]);
  EXPECT_EQ(no_run.code, 1);
  EXPECT_NE(no_run.err.find("nothing"), std::string::npos) << no_run.err;
}

}  // namespace
}  // namespace dflab
