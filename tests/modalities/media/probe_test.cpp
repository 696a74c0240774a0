#include "modalities/media/probe.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace dflab {
namespace {

namespace fs = std::filesystem;

// Tiny clips made once per test binary with the ffmpeg CLI (lavfi test sources: no input files).
class Probe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("dflab_probe_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    if (std::system("ffmpeg -version >/dev/null 2>&1") != 0) return;
    const std::string d = dir_.string();
    const std::string ff = "ffmpeg -nostdin -v error -y ";
    have_ffmpeg_ =
        std::system((ff + "-f lavfi -i testsrc=size=64x48:rate=25 -f lavfi -i sine=frequency=440:sample_rate=16000 "
                          "-t 1 -c:v libx264 -pix_fmt yuv420p -c:a aac -ac 1 " + d + "/av.mp4").c_str()) == 0 &&
        std::system((ff + "-i " + d + "/av.mp4 -c copy -metadata:s:v:0 rotate=90 " + d + "/rot.mp4").c_str()) == 0 &&
        std::system((ff + "-f lavfi -i testsrc=size=32x32:rate=10 -t 2 -c:v mpeg4 " + d + "/video_only.avi").c_str()) == 0 &&
        std::system((ff + "-f lavfi -i sine=frequency=440:sample_rate=22050 -t 0.5 -ac 2 " + d + "/audio.wav").c_str()) == 0;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  void SetUp() override {
    if (!have_ffmpeg_) GTEST_SKIP() << "the ffmpeg CLI is not available to make test clips";
  }
  static std::string file(const std::string& name) { return (dir_ / name).string(); }
  static std::string write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return file(name);
  }

  static fs::path dir_;
  static bool have_ffmpeg_;
};
fs::path Probe::dir_;
bool Probe::have_ffmpeg_ = false;

TEST_F(Probe, VideoWithAudio) {
  MediaInfo m = probe_media(file("av.mp4"));
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_TRUE(m.has_video);
  EXPECT_EQ(m.video_codec, "h264");
  EXPECT_EQ(m.width, 64);
  EXPECT_EQ(m.height, 48);
  EXPECT_DOUBLE_EQ(m.fps, 25.0);
  EXPECT_EQ(m.rotation_deg, 0);
  ASSERT_TRUE(m.n_frames.has_value());
  EXPECT_EQ(*m.n_frames, 25);
  EXPECT_NEAR(m.duration_s, 1.0, 0.1);
  EXPECT_TRUE(m.has_audio);
  EXPECT_EQ(m.audio_codec, "aac");
  EXPECT_EQ(m.sample_rate, 16000);
  EXPECT_EQ(m.channels, 1);
  EXPECT_NE(m.container.find("mp4"), std::string::npos);
}

TEST_F(Probe, RotationFromTheDisplayMatrix) {
  MediaInfo m = probe_media(file("rot.mp4"));
  ASSERT_TRUE(m.ok) << m.error;
  // FFmpeg 5.1's mov muxer turns the rotate=90 tag into a matrix that ffmpeg's own autorotate
  // shows by turning the frame 90° counter-clockwise (checked: `ffmpeg -i rot.mp4` output equals
  // numpy.rot90(raw_frame, 1)), i.e. 270° clockwise; rotation_deg follows what players do.
  EXPECT_EQ(m.rotation_deg, 270);
  EXPECT_EQ(m.width, 64) << "size is the coded size, before rotation";
}

TEST_F(Probe, VideoOnlyAndAudioOnly) {
  MediaInfo v = probe_media(file("video_only.avi"));
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.video_codec, "mpeg4");
  EXPECT_FALSE(v.has_audio);
  EXPECT_DOUBLE_EQ(v.fps, 10.0);
  EXPECT_NEAR(v.duration_s, 2.0, 0.15);
  MediaInfo a = probe_media(file("audio.wav"));
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_FALSE(a.has_video);
  EXPECT_EQ(a.audio_codec, "pcm_s16le");
  EXPECT_EQ(a.sample_rate, 22050);
  EXPECT_EQ(a.channels, 2);
  EXPECT_NEAR(a.duration_s, 0.5, 0.01);
}

TEST_F(Probe, MissingEmptyAndTextFilesAreReportedNotThrown) {
  MediaInfo missing = probe_media(file("nope.mp4"));
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.error.find("no such file"), std::string::npos) << missing.error;
  MediaInfo empty = probe_media(write("empty.mp4", ""));
  EXPECT_FALSE(empty.ok);
  EXPECT_NE(empty.error.find("empty file"), std::string::npos) << empty.error;
  MediaInfo text = probe_media(write("text.mp4", "this is not a video\nat all\n"));
  EXPECT_FALSE(text.ok);
  EXPECT_NE(text.error.find(file("text.mp4")), std::string::npos) << "the error names the file: " << text.error;
}

TEST_F(Probe, TruncatedCopyIsReported) {
  // Move the index to the front (as streaming files have it), then cut the file in half: the
  // header still opens, but the index points past the end.
  const std::string fast = file("fast.mp4");
  ASSERT_EQ(std::system(("ffmpeg -nostdin -v error -y -i " + file("av.mp4") + " -c copy -movflags +faststart " + fast).c_str()), 0);
  const auto size = fs::file_size(fast);
  fs::copy_file(fast, file("cut.mp4"), fs::copy_options::overwrite_existing);
  fs::resize_file(file("cut.mp4"), size / 2);
  MediaInfo cut = probe_media(file("cut.mp4"));
  EXPECT_FALSE(cut.ok);
  EXPECT_NE(cut.error.find("truncated"), std::string::npos) << cut.error;
  // Cut before the index (moov at the end): the file cannot be opened at all.
  fs::copy_file(file("av.mp4"), file("cut2.mp4"), fs::copy_options::overwrite_existing);
  fs::resize_file(file("cut2.mp4"), fs::file_size(file("av.mp4")) / 2);
  MediaInfo cut2 = probe_media(file("cut2.mp4"));
  EXPECT_FALSE(cut2.ok);
  EXPECT_FALSE(cut2.error.empty());
}

TEST_F(Probe, GarbageStreamDataFailsTheFirstFrameDecode) {
  // Keep the container (ftyp ... moov at the end) intact and overwrite the coded frames: the
  // headers and index look fine, only decoding shows the file is unusable.
  std::ifstream in(file("av.mp4"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto mdat = bytes.find("mdat"), moov = bytes.find("moov");
  ASSERT_NE(mdat, std::string::npos);
  ASSERT_NE(moov, std::string::npos);
  ASSERT_LT(mdat, moov) << "ffmpeg writes moov last unless asked for faststart";
  for (std::size_t i = mdat + 4; i + 8 < moov; ++i) bytes[i] = static_cast<char>(0xFF);
  const std::string bad = write("garbage.mp4", bytes);
  MediaInfo m = probe_media(bad);
  EXPECT_FALSE(m.ok);
  EXPECT_NE(m.error.find("no decodable frame"), std::string::npos) << m.error;
  EXPECT_EQ(m.width, 64) << "header fields are still filled in";
  MediaInfo header_only = probe_media(bad, {/*decode_first_frame=*/false});
  EXPECT_TRUE(header_only.ok) << header_only.error;
}

// probe_media_bytes (the fuzz target's entry point) reads the same bytes through libav's custom
// I/O and must report what probe_media reports for the file, bad inputs included.
TEST_F(Probe, BytesInMemoryProbeLikeTheFile) {
  for (const char* name : {"av.mp4", "rot.mp4", "video_only.avi", "audio.wav"}) {
    std::ifstream in(file(name), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const MediaInfo f = probe_media(file(name));
    const MediaInfo b = probe_media_bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), name);
    ASSERT_TRUE(b.ok) << name << ": " << b.error;
    EXPECT_EQ(b.path, name);
    EXPECT_EQ(b.container, f.container) << name;
    EXPECT_EQ(b.video_codec, f.video_codec) << name;
    EXPECT_EQ(b.width, f.width) << name;
    EXPECT_EQ(b.rotation_deg, f.rotation_deg) << name;
    EXPECT_EQ(b.n_frames, f.n_frames) << name;
    EXPECT_DOUBLE_EQ(b.duration_s, f.duration_s) << name;
    EXPECT_EQ(b.audio_codec, f.audio_codec) << name;
    EXPECT_EQ(b.sample_rate, f.sample_rate) << name;
  }
  const std::string text = "not a video at all";
  const MediaInfo t = probe_media_bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), "t.mp4");
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(t.error.rfind("t.mp4: ", 0), 0u) << t.error;
  EXPECT_EQ(probe_media_bytes(nullptr, 0, "e.mp4").error, "e.mp4: empty file (0 bytes)");
}

TEST(ProbeReal, FfdvSampleClip) {
  const std::string clip = DFLAB_SHARED_DIR "/data/ffdv-sample/valset/ba4011bae99c1b919ab6049c47453446.mp4";
  if (!fs::is_regular_file(clip)) GTEST_SKIP() << "no shared samples at " << clip;
  MediaInfo m = probe_media(clip);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.width, 384);
  EXPECT_EQ(m.height, 384);
  EXPECT_EQ(m.video_codec, "h264");
  EXPECT_NEAR(m.fps, 30.0, 0.01);
  EXPECT_TRUE(m.has_audio);
  EXPECT_EQ(m.audio_codec, "mp3");
  EXPECT_EQ(m.sample_rate, 44100);
  EXPECT_EQ(m.channels, 2);
}

TEST(ProbeReal, MediaEdgeAvis) {
  const std::string dir = DFLAB_SHARED_DIR "/data/media-edge";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no shared samples at " << dir;
  MediaInfo m = probe_media(dir + "/Megamind.avi");
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.container, "avi");
  EXPECT_EQ(m.video_codec, "mpeg4");
  EXPECT_EQ(m.width, 720);
  EXPECT_EQ(m.height, 528);
  EXPECT_NEAR(m.fps, 2997.0 / 125.0, 1e-9);
  ASSERT_TRUE(m.n_frames.has_value());
  EXPECT_EQ(*m.n_frames, 270);
  EXPECT_NEAR(m.duration_s, 11.261, 0.01);
  EXPECT_TRUE(m.has_audio);
  EXPECT_EQ(m.audio_codec, "ac3");
  MediaInfo bugy = probe_media(dir + "/Megamind_bugy.avi");
  ASSERT_TRUE(bugy.ok) << "its headers and first frame are readable: " << bugy.error;
  EXPECT_FALSE(bugy.has_audio);
  EXPECT_DOUBLE_EQ(bugy.fps, 30.0);
  EXPECT_NEAR(bugy.duration_s, 9.0, 0.01);
}

}  // namespace
}  // namespace dflab
