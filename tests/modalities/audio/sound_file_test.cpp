#include "modalities/audio/sound_file.h"

#include <fstream>

#include <gtest/gtest.h>

#include "audio_test_util.h"

namespace dflab {
namespace {

TEST(SoundFile, WavRoundTripKeepsSamplesWithin16BitQuantisation) {
  test::TempDir dir;
  const auto x = test::sine(440, 16000, 0.5);
  write_sound_file(dir.file("a.wav"), x, 16000);
  const SoundFile s = read_sound_file(dir.file("a.wav"));
  EXPECT_EQ(s.sample_rate, 16000);
  EXPECT_EQ(s.channels, 1);
  ASSERT_EQ(s.samples.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(s.samples[i], x[i], 1.0 / 32768 + 1e-6);
  EXPECT_DOUBLE_EQ(s.duration_s(), 0.5);
}

TEST(SoundFile, FlacAndFloatWavRoundTrip) {
  test::TempDir dir;
  const auto x = test::sine(1000, 22050, 0.25);
  write_sound_file(dir.file("a.flac"), x, 22050);
  const SoundFile f = read_sound_file(dir.file("a.flac"));
  EXPECT_EQ(f.sample_rate, 22050);
  ASSERT_EQ(f.samples.size(), x.size());
  for (std::size_t i = 0; i < x.size(); i += 97) EXPECT_NEAR(f.samples[i], x[i], 1.0 / 32768 + 1e-6);
  write_sound_file(dir.file("b.wav"), x, 22050, 1, SoundFormat::wav_float);
  EXPECT_EQ(read_sound_file(dir.file("b.wav")).samples, x);   // float WAV is exact
}

TEST(SoundFile, StereoMonoIsTheChannelMean) {
  test::TempDir dir;
  std::vector<float> lr = {0.5f, 0.1f, -0.2f, 0.4f, 0.0f, 0.0f};
  write_sound_file(dir.file("s.wav"), lr, 8000, 2, SoundFormat::wav_float);
  const SoundFile s = read_sound_file(dir.file("s.wav"));
  EXPECT_EQ(s.channels, 2);
  EXPECT_EQ(s.n_frames(), 3u);
  const auto m = s.mono();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_FLOAT_EQ(m[0], 0.3f);
  EXPECT_FLOAT_EQ(m[1], 0.1f);
  EXPECT_FLOAT_EQ(m[2], 0.0f);
}

TEST(SoundFile, ClipsOutOfRangeInsteadOfWrapping) {
  test::TempDir dir;
  write_sound_file(dir.file("c.wav"), {1.5f, -1.5f}, 8000);
  const SoundFile s = read_sound_file(dir.file("c.wav"));
  EXPECT_GT(s.samples[0], 0.99f);
  EXPECT_LT(s.samples[1], -0.99f);
}

TEST(SoundFile, ErrorsNameTheFile) {
  test::TempDir dir;
  const std::string missing = dir.file("missing.wav");
  try {
    read_sound_file(missing);
    FAIL() << "no throw";
  } catch (const SoundFileError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos);
  }
  std::ofstream(dir.file("junk.wav")) << "this is not a wav file at all";
  EXPECT_THROW(read_sound_file(dir.file("junk.wav")), SoundFileError);
  EXPECT_THROW(write_sound_file(dir.file("x.ogx"), {0.0f}, 8000), SoundFileError);
  EXPECT_THROW(write_sound_file(dir.file("x.wav"), {0.0f, 1.0f, 0.5f}, 8000, 2), SoundFileError);
}

TEST(SoundFile, ReadsTheAdd2022Clip) {
  const std::string path = test::shared_dir() + "/data/add2022-audio/train/ADD_T_00000000.wav";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data not found: " << path;
  const SoundFile s = read_sound_file(path);
  EXPECT_EQ(s.sample_rate, 16000);
  EXPECT_EQ(s.channels, 1);
  EXPECT_EQ(s.n_frames(), 64958u);   // ffprobe: duration_ts=64958, 4.059875 s
}

}  // namespace
}  // namespace dflab
