// `dflab video faces`: runs the built binary. The runs that need the `haar` face_detector plugin
// skip while it is not registered (it comes from the detector plugins' area).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "experiments/builtin_plugins.h"
#include "tests/cli_runner.h"
#include "tests/modalities/video/synthetic_clip.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

using dflab::testing::run_dflab;

bool have_haar() { return builtin_registry().contains(kind::face_detector, "haar"); }

class VideoCliTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::make_temp_dir("dflab_video_cli_"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(VideoCliTest, UsageErrors) {
  test::ClipSpec spec;
  const std::string clip = dir_ + "/c.mp4";
  test::write_clip(clip, spec);
  auto r = run_dflab("video faces " + clip + " --out " + dir_ + "/o --detector no_such_detector");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("unknown face_detector plugin 'no_such_detector' (registered: "), std::string::npos) << r.err;
  auto m = run_dflab("video faces " + clip + " --out " + dir_ + "/o --margin 0.5");
  EXPECT_EQ(m.code, 2) << m.err;
  EXPECT_NE(m.err.find("margin"), std::string::npos) << m.err;
  auto s = run_dflab("video faces " + clip + " --out " + dir_ + "/o --strategy sparse");
  EXPECT_EQ(s.code, 2) << s.err;
  auto roi = run_dflab("video faces " + clip + " --out " + dir_ + "/o --roi-every -1");
  EXPECT_EQ(roi.code, 2) << roi.err;
  EXPECT_NE(roi.err.find("--roi-every"), std::string::npos) << roi.err;
  EXPECT_FALSE(fs::exists(dir_ + "/o")) << "a usage error writes nothing";
  EXPECT_EQ(run_dflab("video faces " + clip).code, 2) << "--out is required";
}

TEST_F(VideoCliTest, BadFileIsAFailureNamingIt) {
  if (!have_haar()) GTEST_SKIP() << "face_detector 'haar' not registered yet";
  const std::string junk = dir_ + "/junk.mp4";
  std::ofstream(junk) << "garbage";
  auto r = run_dflab("video faces " + junk + " --out " + dir_ + "/o");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(junk), std::string::npos) << r.err;
}

TEST_F(VideoCliTest, NoFaceSceneGivesCentreCropsAndASheet) {
  if (!have_haar()) GTEST_SKIP() << "face_detector 'haar' not registered yet";
  test::ClipSpec spec;
  spec.width = 160;
  spec.height = 120;
  const std::string clip = dir_ + "/scene.mp4";
  test::write_clip(clip, spec);
  const std::string out = dir_ + "/out";
  auto r = run_dflab("video faces " + clip + " --out " + out + " --frames 4 --size 64 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["status"], "no_face");
  EXPECT_EQ(doc["frames"].size(), 4u);
  EXPECT_EQ(cv::imread(out + "/crop_003.png").size(), cv::Size(64, 64));
  EXPECT_FALSE(cv::imread(out + "/contact_sheet.png").empty());
  EXPECT_TRUE(fs::exists(out + "/faces.json"));
}

TEST_F(VideoCliTest, HaarOnARealClip) {
  if (!have_haar()) GTEST_SKIP() << "face_detector 'haar' not registered yet";
  const std::string dir = std::string(DFLAB_SHARED_DIR) + "/data/ffdv-sample/valset";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared data missing: " << dir;
  std::string clip;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".mp4") { clip = e.path().string(); break; }
  const std::string out = dir_ + "/real";
  auto r = run_dflab("video faces " + clip + " --out " + out + " --frames 8 --size 160 --margin 1.4");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("8 crops of 160 px"), std::string::npos) << r.out;
  for (int i = 0; i < 8; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "/crop_%03d.png", i);
    EXPECT_EQ(cv::imread(out + name).size(), cv::Size(160, 160)) << name;
  }
  cv::Mat sheet = cv::imread(out + "/contact_sheet.png");
  EXPECT_EQ(sheet.cols, 4 * 320);
  std::ifstream meta(out + "/faces.json");
  auto doc = nlohmann::json::parse(meta);
  EXPECT_EQ(doc["status"], "ok");
  EXPECT_GE(doc["n_detected"].get<int>(), 4);
}

TEST_F(VideoCliTest, AlignKeeps68Landmarks) {
  if (!have_haar()) GTEST_SKIP() << "face_detector 'haar' not registered yet";
  if (!fs::exists("/usr/share/dlib/shape_predictor_68_face_landmarks.dat")) GTEST_SKIP() << "libdlib-data missing";
  const std::string dir = std::string(DFLAB_SHARED_DIR) + "/data/ffdv-sample/valset";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared data missing: " << dir;
  std::string clip;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".mp4") { clip = e.path().string(); break; }
  auto r = run_dflab("video faces " + clip + " --out " + dir_ + "/al --frames 2 --size 96 --align --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["status"], "ok") << r.out;
  for (const auto& f : doc["frames"]) EXPECT_EQ(f["landmarks"].size(), 68u);
}

}  // namespace
}  // namespace dflab
