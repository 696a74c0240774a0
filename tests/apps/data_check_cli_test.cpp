// `dflab data check`: runs the built binary on small datasets made here (clips made with the
// ffmpeg CLI) and on the shared real samples.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"

namespace dflab {
namespace {

using dflab::testing::run_dflab;
namespace fs = std::filesystem;

bool have_ffmpeg() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }

// An FFDV root with two good clips, one text file named .mp4, a missing file and a bad label.
void make_dataset(const testing::TempDir& d) {
  fs::create_directories(d.path() / "trainset");
  fs::create_directories(d.path() / "valset");
  const std::string ff = "ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=64x48:rate=25 ";
  ASSERT_EQ(std::system((ff + "-f lavfi -i sine=sample_rate=16000 -t 1 -c:v libx264 -pix_fmt yuv420p -c:a aac " +
                         (d / "trainset/a.mp4")).c_str()), 0);
  ASSERT_EQ(std::system((ff + "-t 1 -c:v libx264 -pix_fmt yuv420p " + (d / "valset/b.mp4")).c_str()), 0);
}

TEST(DataCheckCli, ReportsCountsProblemsAndUnreadableVideos) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not available to make test clips";
  testing::TempDir d;
  const auto train = d.write("trainset_label.txt",
                             "video_name,target\n"   // 1
                             "a.mp4,1\n"             // 2
                             "junk.mp4,0\n"          // 3 exists, not a video
                             "gone.mp4,1\n"          // 4 missing
                             "c.mp4,real?\n");       // 5 bad label
  d.write("valset_label.txt", "video_name,target\nb.mp4,0\n");
  d.write("trainset/junk.mp4", "not a video\n");
  d.write("trainset/c.mp4", "");
  make_dataset(d);

  auto r = run_dflab("data check --threads 2 " + d.path().string());
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find(train + ":4: missing file"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(train + ":5: label 'real?' of 'c.mp4'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unreadable (1):"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("junk.mp4: " + (d / "trainset/junk.mp4")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("64x48"), std::string::npos) << r.out;

  auto j = run_dflab("data check --json " + d.path().string());
  EXPECT_EQ(j.code, 1);
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["layout"], "ffdv");
  EXPECT_EQ(doc["n_items"], 3);
  EXPECT_EQ(doc["splits"]["train"]["fake"], 1);
  EXPECT_EQ(doc["splits"]["train"]["real"], 1);
  EXPECT_EQ(doc["splits"]["val"]["real"], 1);
  EXPECT_EQ(doc["problems"].size(), 2u);
  EXPECT_EQ(doc["problems"][0]["line"], 4);
  EXPECT_EQ(doc["n_missing_files"], 1);
  ASSERT_EQ(doc["unreadable"].size(), 1u);
  EXPECT_EQ(doc["unreadable"][0]["id"], "junk.mp4");
  EXPECT_FALSE(doc["ok"].get<bool>());
  bool saw_a = false;
  for (const auto& v : doc["videos"]) {
    if (v["id"] != "a.mp4") continue;
    saw_a = true;
    EXPECT_TRUE(v["ok"].get<bool>());
    EXPECT_EQ(v["width"], 64);
    EXPECT_EQ(v["video_codec"], "h264");
    EXPECT_TRUE(v["has_audio"].get<bool>());
    EXPECT_DOUBLE_EQ(v["fps"].get<double>(), 25.0);
  }
  EXPECT_TRUE(saw_a);
  for (const auto& v : doc["videos"]) {
    if (v["id"] == "b.mp4") {
      EXPECT_FALSE(v["has_audio"].get<bool>());
    }
  }
}

TEST(DataCheckCli, CleanDatasetExitsZero) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not available to make test clips";
  testing::TempDir d;
  d.write("trainset_label.txt", "video_name,target\na.mp4,1\n");
  d.write("valset_label.txt", "video_name,target\nb.mp4,0\n");
  make_dataset(d);
  auto r = run_dflab("data check " + d.path().string());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK: 2 usable items, 0 problem rows, 0 unreadable"), std::string::npos) << r.out;
}

TEST(DataCheckCli, FlagsAFormatThatGivesTheLabelAway) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not available to make test clips";
  testing::TempDir d;
  // Reals are MPEG-4 part 2, fakes H.264, as in some talking-head sets: the codec is a shortcut.
  const auto csv = d.write("labels.csv", "path,label\nr1.mp4,0\nr2.mp4,0\nf1.mp4,1\nf2.mp4,1\n");
  const std::string ff = "ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=32x32:rate=10 -t 0.3 ";
  for (const char* r : {"r1.mp4", "r2.mp4"})
    ASSERT_EQ(std::system((ff + "-c:v mpeg4 " + (d / r)).c_str()), 0);
  for (const char* f : {"f1.mp4", "f2.mp4"})
    ASSERT_EQ(std::system((ff + "-c:v libx264 -pix_fmt yuv420p " + (d / f)).c_str()), 0);
  auto r = run_dflab("data check --json " + csv);
  EXPECT_EQ(r.code, 0) << "a shortcut is a warning, not a broken dataset: " << r.err;
  EXPECT_NE(r.err.find("possible shortcut: video_codec alone predicts the label for 100%"), std::string::npos) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["shortcuts"].size(), 1u) << doc["shortcuts"].dump();
  EXPECT_EQ(doc["shortcuts"][0]["attribute"], "video_codec");
  EXPECT_EQ(doc["formats"]["video_codec"]["mpeg4"]["real"], 2);
  EXPECT_EQ(doc["formats"]["video_codec"]["h264"]["fake"], 2);
  EXPECT_EQ(doc["formats"]["resolution"]["32x32"]["fake"], 2) << "shared values are not shortcuts";
}

TEST(DataCheckCli, LabelsOnlyAndUnknownLayout) {
  testing::TempDir d;
  const auto csv = d.write("labels.csv", "path,label\nx.wav,bonafide\n\"y, z.wav\",spoof\n");
  d.write("x.wav", "");
  d.write("y, z.wav", "");
  auto r = run_dflab("data check --no-probe --json " + csv);
  EXPECT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["layout"], "csv");
  EXPECT_EQ(doc["splits"]["all"]["real"], 1);
  EXPECT_EQ(doc["splits"]["all"]["fake"], 1);

  d.write("empty/readme.txt", "");
  auto u = run_dflab("data check " + (d / "empty"));
  EXPECT_EQ(u.code, 1);
  EXPECT_NE(u.err.find("unknown dataset layout"), std::string::npos) << u.err;
}

// A symbolic link that loops or points nowhere is one skipped item naming its path; the rest of the
// dataset is read, counted and listed (it used to abort the whole check with a filesystem error).
TEST(DataCheckCli, SymlinkLoopsAndDanglingLinksAreSkippedItems) {
  testing::TempDir d;
  d.write("trainset_label.txt", "video_name,target\na.mp4,1\nb.mp4,0\nlooped.mp4,1\n");
  d.write("trainset/a.mp4", "");
  d.write("trainset/b.mp4", "");
  d.write("testset/t1.mp4", "");
  fs::create_symlink("looped.mp4", d.path() / "trainset/looped.mp4");   // points at itself
  fs::create_symlink("self", d.path() / "testset/self.mp4");
  fs::create_symlink("self.mp4", d.path() / "testset/self");            // self.mp4 -> self -> self.mp4
  fs::create_symlink("nowhere.mp4", d.path() / "testset/gone.mp4");
  fs::create_symlink("cycle", d.path() / "cycle");                        // in the root folder

  auto j = run_dflab("data check --no-probe --json " + d.path().string());
  EXPECT_EQ(j.code, 1) << j.err;
  ASSERT_FALSE(j.out.empty()) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["n_items"], 3) << "a.mp4, b.mp4 and testset/t1.mp4 are read";
  EXPECT_EQ(doc["splits"]["train"]["total"], 2);
  EXPECT_EQ(doc["splits"]["test"]["total"], 1);
  std::string problems;
  for (const auto& p : doc["problems"]) problems += p["file"].get<std::string>() + ": " + p["reason"].get<std::string>() + "\n";
  EXPECT_NE(problems.find((d / "cycle") + ": skipped: symbolic link loop"), std::string::npos) << problems;
  EXPECT_NE(problems.find((d / "testset/self.mp4") + ": skipped: symbolic link loop"), std::string::npos) << problems;
  EXPECT_NE(problems.find((d / "testset/gone.mp4") + ": skipped: dangling symbolic link to 'nowhere.mp4'"),
            std::string::npos) << problems;
  EXPECT_NE(problems.find("missing file " + (d / "trainset/looped.mp4") + " for 'looped.mp4' (symbolic link loop)"),
            std::string::npos) << problems;

  auto r = run_dflab("data check --no-probe " + d.path().string());
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("3 usable items"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find((d / "cycle") + ": skipped: symbolic link loop"), std::string::npos) << r.out;
}

TEST(DataCheckCli, RealSamples) {
  const std::string shared = DFLAB_SHARED_DIR "/data";
  if (!fs::is_directory(shared)) GTEST_SKIP() << "no shared samples at " << shared;
  auto f = run_dflab("data check --json " + shared + "/ffdv-sample");
  EXPECT_EQ(f.code, 0) << f.err;
  const auto ffdv = nlohmann::json::parse(f.out);
  EXPECT_EQ(ffdv["totals"]["real"], 3);
  EXPECT_EQ(ffdv["totals"]["fake"], 7);
  for (const auto& v : ffdv["videos"]) {
    EXPECT_EQ(v["audio_codec"], "mp3") << v.dump();
    EXPECT_EQ(v["height"], 384) << v.dump();
  }
  auto g = run_dflab("data check --json " + shared + "/dfl-swaps-dfdc");
  EXPECT_EQ(g.code, 0) << g.err;
  const auto dfdc = nlohmann::json::parse(g.out);
  EXPECT_EQ(dfdc["n_items"], 54);
  for (const auto& v : dfdc["videos"]) EXPECT_FALSE(v["has_audio"].get<bool>()) << v.dump();
}

TEST(DataCheckCli, ExperimentFileHoldsOutAStratifiedValidationSplit) {
  // An FFDV root with only a train list: the experiment's val_fraction splits it, seeded.
  testing::TempDir d;
  std::string labels = "video_name,target\n";
  for (int i = 0; i < 10; ++i) {
    const std::string name = "v" + std::to_string(i) + ".mp4";
    labels += name + "," + (i < 4 ? "0" : "1") + "\n";
    d.write("data/trainset/" + name, "");
  }
  d.write("data/trainset_label.txt", labels);
  const auto exp = d.write("exp.toml",
                           "[experiment]\nname = \"dc\"\nseed = 3\n"
                           "[data]\nformat = \"ffdv\"\nroot = \"data\"\nval_fraction = 0.5\n");
  auto r = run_dflab("data check --no-probe --json " + exp);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["splits"]["train"]["real"], 2);
  EXPECT_EQ(doc["splits"]["val"]["real"], 2);
  EXPECT_EQ(doc["splits"]["train"]["fake"], 3);
  EXPECT_EQ(doc["splits"]["val"]["fake"], 3);

  // An invalid experiment is reported with file:line and exit 1.
  const auto bad = d.write("bad.toml", "[experiment]\nname = \"dc\"\n[data]\nformat = \"ffdv\"\nroot = \"nope\"\n");
  auto b = run_dflab("data check --no-probe " + bad);
  EXPECT_EQ(b.code, 1);
  EXPECT_NE(b.err.find(bad + ":5: [data] root: no such folder"), std::string::npos) << b.err;
}

}  // namespace
}  // namespace dflab
