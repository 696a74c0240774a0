// `dflab audio features`: runs the built binary on files written here.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "audio_test_util.h"
#include "modalities/audio/npy.h"
#include "modalities/audio/sound_file.h"
#include "tests/cli_runner.h"

namespace dflab {
namespace {

using dflab::testing::run_dflab;

class AudioCli : public ::testing::Test {
 protected:
  void SetUp() override {
    wav = dir.file("tone.wav");
    write_sound_file(wav, test::sine(440, 16000, 1.0), 16000);
  }
  test::TempDir dir;
  std::string wav;
};

TEST_F(AudioCli, MelJsonReportsShapeRateAndStats) {
  const auto r = run_dflab("audio features " + wav + " --feature mel --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["shape"][0], 128);
  EXPECT_EQ(j["shape"][1], 1 + 22050 / 512);   // resampled to the plugin's 22050 Hz
  EXPECT_EQ(j["sample_rate"], 22050);
  EXPECT_NEAR(j["duration_s"].get<double>(), 1.0, 1e-3);
  EXPECT_GE(j["max"].get<double>(), j["mean"].get<double>());
  EXPECT_GE(j["min"].get<double>(), 0.0);
  EXPECT_EQ(j["status"], "ok");
}

TEST_F(AudioCli, ParamsNpyAndPngAreWritten) {
  const std::string npy = dir.file("m.npy"), png = dir.file("m.png");
  const auto r = run_dflab("audio features " + wav + " --feature mfcc --param n_mels=40 --param window=hamming "
                           "--param sample_rate=16000 --param n_fft=512 --param hop_length=160 --npy " + npy +
                           " --png " + png);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("20 x 101"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("16000 Hz"), std::string::npos) << r.out;
  const FeatureMatrix m = read_npy(npy);
  EXPECT_EQ(m.n_rows, 20);
  EXPECT_EQ(m.n_cols, 101);
  const cv::Mat img = cv::imread(png, cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.rows, 20);
  EXPECT_EQ(img.cols, 101);
}

// Separate processes compute the same bits: the FFT plan is not chosen by timing (fft_plan.cpp), so
// a sharded extract, a rerun and the Python module all cache identical features. With FFTW_MEASURE
// most runs of this test saw at least one differing file (noise exercises every rounding).
TEST_F(AudioCli, SeparateProcessesWriteIdenticalBytes) {
  std::vector<float> noise(3 * 16000);
  std::uint32_t x = 12345;
  for (float& v : noise) {
    x = x * 1664525u + 1013904223u;
    v = static_cast<float>(x >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  const std::string noisy = dir.file("noise.wav");
  write_sound_file(noisy, noise, 16000);
  for (const std::string args : {"--feature mel --param n_fft=2048", "--feature lfcc --param n_fft=512"}) {
    std::string first;
    for (int k = 0; k < 4; ++k) {
      const std::string npy = dir.file("p" + std::to_string(k) + ".npy");
      const auto r = run_dflab("audio features " + noisy + " " + args + " --npy " + npy);
      ASSERT_EQ(r.code, 0) << r.err;
      std::ifstream in(npy, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      ASSERT_GT(bytes.size(), 1000u);
      if (k == 0) first = bytes;
      else EXPECT_TRUE(bytes == first) << args << ": process " << k << " differs from process 0";
    }
  }
}

TEST_F(AudioCli, FfdvImagePngIs256Square) {
  const std::string png = dir.file("ffdv.png");
  const auto r = run_dflab("audio features " + wav + " --feature ffdv_mel_image --png " + png);
  ASSERT_EQ(r.code, 0) << r.err;
  const cv::Mat img = cv::imread(png, cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.rows, 256);
  EXPECT_EQ(img.cols, 256);
  EXPECT_EQ(img.channels(), 1);
}

TEST_F(AudioCli, CacheServesTheSecondRun) {
  const std::string cache = dir.file("cache");
  ASSERT_EQ(run_dflab("audio features " + wav + " --cache " + cache + " --json").code, 0);
  const auto r = run_dflab("audio features " + wav + " --cache " + cache + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["from_cache"].get<bool>());
}

TEST_F(AudioCli, BadParametersAndFeaturesAreReported) {
  auto r = run_dflab("audio features " + wav + " --param n_mels=0");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("n_mels"), std::string::npos) << r.err;
  r = run_dflab("audio features " + wav + " --param n_mel=40");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("n_mel"), std::string::npos) << r.err;
  r = run_dflab("audio features " + wav + " --param fmax=20000");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("fmax"), std::string::npos) << r.err;
  r = run_dflab("audio features " + wav + " --feature spectrogramme");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("mel"), std::string::npos) << "lists what exists: " << r.err;
  r = run_dflab("audio features " + wav + " --param novalue");
  EXPECT_EQ(r.code, 2) << r.err;
  r = run_dflab("audio features");
  EXPECT_EQ(r.code, 2);
}

TEST_F(AudioCli, NoAudioAndUnreadableFilesExitOne) {
  const std::string junk = dir.file("junk.mp4");
  std::ofstream(junk) << "not media";
  auto r = run_dflab("audio features " + junk);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("junk.mp4"), std::string::npos) << r.err;
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not found";
  const std::string video = dir.file("video.mp4");
  ASSERT_TRUE(test::ffmpeg("-f lavfi -i testsrc=duration=1:size=64x64:rate=10 -an -c:v mpeg4 " + video));
  r = run_dflab("audio features " + video + " --json");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no audio stream"), std::string::npos) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "no_audio_stream");
}

}  // namespace
}  // namespace dflab
