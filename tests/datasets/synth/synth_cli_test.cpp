// `dflab synth`: runs the built binary on a tiny dataset, checks its summary (text and --json), that
// `dflab data check` accepts what it wrote, the refusal of a non-empty folder, --force, and usage errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/cli_runner.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

using dflab::testing::run_dflab;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "dflab_synth_cli_XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const std::string kTiny = " --train 8 --val 4 --test 4 --seconds 0.5 --size 128x96 --fps 10 --seed 3";

TEST(SynthCli, WritesATinyDatasetThatDataCheckAccepts) {
  TempDir d;
  const std::string out = (d.path / "ds").string();
  auto r = run_dflab("synth --out " + out + kTiny);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote 16 clips"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RealVideo-RealAudio"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("FakeVideo-FakeAudio"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(d.path / "ds/trainset_label.txt"));
  EXPECT_TRUE(fs::exists(d.path / "ds/prediction.csv"));

  auto check = run_dflab("data check --json " + out);
  ASSERT_EQ(check.code, 0) << check.out << check.err;
  const auto doc = nlohmann::json::parse(check.out);
  EXPECT_EQ(doc["layout"], "ffdv");
  EXPECT_EQ(doc["n_items"], 16);
  EXPECT_EQ(doc["splits"]["train"]["real"], 2);
  EXPECT_EQ(doc["splits"]["train"]["fake"], 6);
  EXPECT_EQ(doc["problems"].size(), 0u);
}

TEST(SynthCli, JsonSummaryCountsEveryKindPerSplit) {
  TempDir d;
  auto r = run_dflab("synth --json --out " + (d.path / "ds").string() + kTiny);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["n_clips"], 16);
  EXPECT_EQ(doc["audio_codec"], "aac");
  for (const char* kind : {"RealVideo-RealAudio", "FakeVideo-RealAudio", "RealVideo-FakeAudio", "FakeVideo-FakeAudio"}) {
    EXPECT_EQ(doc["counts"]["train"][kind], 2) << kind;
    EXPECT_EQ(doc["counts"]["val"][kind], 1) << kind;
    EXPECT_EQ(doc["counts"]["test"][kind], 1) << kind;
  }
}

TEST(SynthCli, KindsOptionAddsOutOfSyncAndRejectsUnknownNames) {
  TempDir d;
  auto r = run_dflab("synth --json --kinds RealVideo-RealAudio,OutOfSync --out " + (d.path / "ds").string() + kTiny);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["counts"]["train"]["OutOfSync"], 4);
  EXPECT_EQ(doc["counts"]["train"]["RealVideo-RealAudio"], 4);
  EXPECT_FALSE(doc["counts"]["train"].contains("FakeVideo-RealAudio"));
  auto bad = run_dflab("synth --kinds OutOfSync,Lipsync --out " + (d.path / "bad").string() + kTiny);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("unknown kind 'Lipsync'"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(d.path / "bad"));
}

TEST(SynthCli, RefusesANonEmptyFolderWithoutForce) {
  TempDir d;
  std::ofstream(d.path / "keep.txt") << "x";
  auto r = run_dflab("synth --out " + d.path.string() + kTiny);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(d.path.string()), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d.path / "trainset"));
  auto forced = run_dflab("synth --force --out " + d.path.string() + kTiny);
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_TRUE(fs::exists(d.path / "keep.txt"));
  EXPECT_TRUE(fs::exists(d.path / "kinds.csv"));
}

TEST(SynthCli, UsageErrors) {
  TempDir d;
  const std::string out = " --out " + (d.path / "ds").string();
  EXPECT_EQ(run_dflab("synth" + out + " --size 320by240").code, 2);
  EXPECT_EQ(run_dflab("synth" + out + " --size 321x240").code, 2);
  EXPECT_EQ(run_dflab("synth" + out + " --train 0 --val 0 --test 0").code, 2);
  EXPECT_EQ(run_dflab("synth --train 4").code, 2) << "--out is required";
  auto help = run_dflab("synth --help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--force"), std::string::npos);
  EXPECT_FALSE(fs::exists(d.path / "ds"));
}

}  // namespace
}  // namespace dflab
