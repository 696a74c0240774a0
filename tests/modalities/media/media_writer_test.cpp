// MediaWriter round trip: clips written here are read back with the project's prober and decoders
// (probe.h, video_decoder.h, audio_decoder.h): size, rate, frame count, duration, frame content and
// order, audio presence, length and a tone's frequency; atomic writes and errors naming the file.
#include "modalities/media/media_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "modalities/audio/audio_decoder.h"
#include "modalities/media/probe.h"
#include "modalities/video/video_decoder.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

constexpr double kPi = 3.141592653589793;

class MediaWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dflab_media_writer_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    return names;
  }
  fs::path dir_;
};

// Frame i: flat grey 30 + 6 i with a white square moving right (a real picture for the encoder).
cv::Mat grey_frame(int i) {
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar::all(30 + 6 * i));
  img(cv::Rect(10 + 4 * i, 100, 40, 40)).setTo(cv::Scalar::all(250));
  return img;
}

// Frequency from the zero crossings of the middle of a signal.
double tone_hz(const std::vector<float>& x, int sample_rate) {
  const std::size_t a = x.size() / 4, b = 3 * x.size() / 4;
  int crossings = 0;
  for (std::size_t i = a + 1; i < b; ++i) crossings += (x[i - 1] < 0) != (x[i] < 0);
  return crossings / 2.0 / (static_cast<double>(b - a) / sample_rate);
}

TEST_F(MediaWriterTest, H264AacRoundTrip) {
  const std::string path = (dir_ / "clip.mp4").string();
  MediaWriterOptions o;
  o.width = 320;
  o.height = 240;
  o.fps = 15;
  o.sample_rate = 16000;
  {
    MediaWriter w(path, o);
    EXPECT_FALSE(fs::exists(path)) << "the target appears only when finished";
    const int per_frame = o.sample_rate / o.fps;   // 1066 (+ the remainder at the end)
    std::vector<float> tone(static_cast<std::size_t>(2 * o.sample_rate));
    for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = static_cast<float>(0.5 * std::sin(2 * kPi * 1000.0 * i / o.sample_rate));
    std::size_t pos = 0;
    for (int i = 0; i < 30; ++i) {
      w.write_frame(grey_frame(i));
      w.write_audio(tone.data() + pos, static_cast<std::size_t>(per_frame));
      pos += static_cast<std::size_t>(per_frame);
    }
    w.write_audio(tone.data() + pos, tone.size() - pos);
    w.finish();
    EXPECT_EQ(w.n_frames(), 30);
    EXPECT_EQ(w.n_audio_samples(), 32000);
    EXPECT_EQ(w.video_codec_name(), "libx264") << "Debian's libavcodec has libx264; mpeg4 is the fallback";
  }
  EXPECT_EQ(listing(), std::vector<std::string>{"clip.mp4"}) << "no temp file left behind";

  const MediaInfo m = probe_media(path);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.video_codec, "h264");
  EXPECT_EQ(m.width, 320);
  EXPECT_EQ(m.height, 240);
  EXPECT_NEAR(m.fps, 15.0, 1e-6);
  EXPECT_NEAR(m.duration_s, 2.0, 0.1);
  ASSERT_TRUE(m.has_audio);
  EXPECT_EQ(m.audio_codec, "aac");
  EXPECT_EQ(m.sample_rate, 16000);
  EXPECT_EQ(m.channels, 1);

  int n = 0;
  const DecodeReport r = decode_video(path, FrameSampling::all(), [&](const VideoFrame& f) {
    EXPECT_EQ(f.index, n);
    // flat grey reads back within ±1 (video_colour_test); the steps of 6 must show
    EXPECT_NEAR(cv::mean(f.bgr(cv::Rect(200, 10, 100, 60)))[0], 30 + 6 * n, 1.0) << "frame " << n;
    EXPECT_NEAR(cv::mean(f.bgr(cv::Rect(20 + 4 * n, 110, 20, 20)))[0], 250, 6.0) << "frame " << n;
    ++n;
    return true;
  });
  EXPECT_EQ(r.status, DecodeStatus::ok) << r.message;
  EXPECT_EQ(n, 30);

  AudioDecodeOptions ao;
  ao.sample_rate = 16000;
  const DecodedAudio a = decode_audio(path, ao);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.codec, "aac");
  EXPECT_NEAR(a.duration_s(), 2.0, 0.07);
  EXPECT_NEAR(tone_hz(a.samples, 16000), 1000.0, 5.0);
  double rms = 0;
  for (float s : a.samples) rms += s * s;
  rms = std::sqrt(rms / static_cast<double>(a.samples.size()));
  EXPECT_NEAR(rms, 0.5 / std::sqrt(2.0), 0.03);
}

TEST_F(MediaWriterTest, VideoOnly) {
  const std::string path = (dir_ / "silent.mp4").string();
  MediaWriterOptions o;
  o.width = 64;
  o.height = 48;
  o.fps = 10;
  MediaWriter w(path, o);
  for (int i = 0; i < 5; ++i) w.write_frame(cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(100)));
  const float x = 0;
  EXPECT_THROW(w.write_audio(&x, 1), MediaError);
  w.finish();
  const MediaInfo m = probe_media(path);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_FALSE(m.has_audio);
  EXPECT_NEAR(m.duration_s, 0.5, 0.05);
}

TEST_F(MediaWriterTest, AbandonedWriteLeavesNothing) {
  const std::string path = (dir_ / "abandoned.mp4").string();
  {
    MediaWriterOptions o;
    o.width = 64;
    o.height = 48;
    o.sample_rate = 16000;
    MediaWriter w(path, o);
    w.write_frame(cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(100)));
    EXPECT_EQ(listing().size(), 1u) << "the temp file exists while writing";
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(MediaWriterTest, ErrorsNameTheFile) {
  MediaWriterOptions o;
  o.width = 63;   // odd: not yuv420p
  o.height = 48;
  const std::string path = (dir_ / "odd.mp4").string();
  try {
    MediaWriter w(path, o);
    FAIL() << "odd width accepted";
  } catch (const MediaError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  o.width = 64;
  const std::string missing = (dir_ / "no/such/dir/clip.mp4").string();
  try {
    MediaWriter w(missing, o);
    FAIL() << "missing folder accepted";
  } catch (const MediaError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  const std::string unknown = (dir_ / "clip.notacontainer").string();
  EXPECT_THROW(MediaWriter(unknown, o), MediaError);
  MediaWriter w((dir_ / "size.mp4").string(), o);
  EXPECT_THROW(w.write_frame(cv::Mat(10, 10, CV_8UC3)), MediaError);
  EXPECT_THROW(w.write_frame(cv::Mat(48, 64, CV_8UC1)), MediaError);
}

}  // namespace
}  // namespace dflab
