#include "modalities/audio/audio_decoder.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "audio_test_util.h"
#include "modalities/audio/sound_file.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

// Frequency of a pure tone from its zero crossings (Hz).
double tone_frequency(const std::vector<float>& x, int sample_rate) {
  int crossings = 0;
  for (std::size_t i = 1; i < x.size(); ++i) crossings += (x[i - 1] < 0) != (x[i] < 0);
  return crossings / 2.0 / (double(x.size()) / sample_rate);
}

TEST(AudioDecoder, WavAtItsOwnRateIsExact) {
  test::TempDir dir;
  const auto x = test::sine(440, 16000, 1.0);
  write_sound_file(dir.file("a.wav"), x, 16000, 1, SoundFormat::wav_float);
  AudioDecodeOptions o;
  o.sample_rate = 0;   // keep the stream's rate
  const DecodedAudio a = decode_audio(dir.file("a.wav"), o);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.sample_rate, 16000);
  EXPECT_EQ(a.source_sample_rate, 16000);
  EXPECT_EQ(a.source_channels, 1);
  EXPECT_EQ(a.codec, "pcm_f32le");
  EXPECT_EQ(a.n_corrupt_packets, 0);
  EXPECT_EQ(a.samples, x);
  EXPECT_DOUBLE_EQ(a.duration_s(), 1.0);
}

TEST(AudioDecoder, ResamplesToTheRequestedRate) {
  test::TempDir dir;
  write_sound_file(dir.file("a.wav"), test::sine(440, 16000, 2.0), 16000);
  for (int rate : {8000, 22050, 44100}) {
    AudioDecodeOptions o;
    o.sample_rate = rate;
    const DecodedAudio a = decode_audio(dir.file("a.wav"), o);
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_EQ(a.sample_rate, rate);
    EXPECT_NEAR(double(a.samples.size()), 2.0 * rate, 2) << rate;
    EXPECT_NEAR(tone_frequency(a.samples, rate), 440.0, 2.0) << rate;
  }
}

TEST(AudioDecoder, StereoIsDownmixedToTheChannelMean) {
  test::TempDir dir;
  const auto left = test::sine(300, 8000, 0.5);
  std::vector<float> lr;
  for (float v : left) {
    lr.push_back(v);
    lr.push_back(0.0f);   // silent right channel: mean = left / 2 (swresample's default would be 0.707)
  }
  write_sound_file(dir.file("s.wav"), lr, 8000, 2, SoundFormat::wav_float);
  AudioDecodeOptions o;
  o.sample_rate = 8000;
  const DecodedAudio a = decode_audio(dir.file("s.wav"), o);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.source_channels, 2);
  ASSERT_EQ(a.samples.size(), left.size());
  for (std::size_t i = 0; i < left.size(); i += 13) EXPECT_NEAR(a.samples[i], left[i] / 2, 1e-6);
}

TEST(AudioDecoder, OffsetAndMaxDurationSelectAWindow) {
  test::TempDir dir;
  std::vector<float> ramp(16000 * 3);
  for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = float(i % 1000) / 1000.0f - 0.5f;
  write_sound_file(dir.file("r.wav"), ramp, 16000, 1, SoundFormat::wav_float);
  AudioDecodeOptions o;
  o.sample_rate = 16000;
  o.offset_s = 1.25;
  o.max_duration_s = 0.5;
  const DecodedAudio a = decode_audio(dir.file("r.wav"), o);
  ASSERT_TRUE(a.ok()) << a.error;
  ASSERT_EQ(a.samples.size(), 8000u);
  for (std::size_t i = 0; i < a.samples.size(); i += 7) ASSERT_FLOAT_EQ(a.samples[i], ramp[20000 + i]) << i;
  // Past the end: nothing, but not an error.
  o.offset_s = 10.0;
  const DecodedAudio past = decode_audio(dir.file("r.wav"), o);
  EXPECT_TRUE(past.ok()) << past.error;
  EXPECT_EQ(past.samples.size(), 0u);
  EXPECT_NE(o.canonical(), AudioDecodeOptions{}.canonical());
}

TEST(AudioDecoder, OffsetInACompressedStreamLandsOnTheRightSample) {
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not found";
  test::TempDir dir;
  // A tone whose frequency steps from 300 Hz to 1200 Hz at t = 2 s, in AAC-in-mp4.
  ASSERT_TRUE(test::ffmpeg("-f lavfi -i sine=frequency=300:duration=2:sample_rate=22050 -f lavfi -i "
                           "sine=frequency=1200:duration=2:sample_rate=22050 -filter_complex concat=n=2:v=0:a=1 "
                           "-c:a aac -b:a 96k " + dir.file("t.mp4")));
  AudioDecodeOptions o;
  o.sample_rate = 22050;
  o.offset_s = 2.5;
  o.max_duration_s = 1.0;
  const DecodedAudio a = decode_audio(dir.file("t.mp4"), o);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.codec, "aac");
  EXPECT_EQ(a.samples.size(), 22050u);
  EXPECT_NEAR(tone_frequency(a.samples, 22050), 1200.0, 15.0);
  o.offset_s = 0.5;
  EXPECT_NEAR(tone_frequency(decode_audio(dir.file("t.mp4"), o).samples, 22050), 300.0, 15.0);
}

TEST(AudioDecoder, StreamsInBoundedChunks) {
  test::TempDir dir;
  write_sound_file(dir.file("long.wav"), test::sine(440, 22050, 20.0), 22050);
  std::size_t total = 0, biggest = 0, n_chunks = 0;
  AudioDecodeOptions o;
  const AudioDecodeInfo info = decode_audio_stream(dir.file("long.wav"), o, [&](const float*, std::size_t n) {
    total += n;
    biggest = std::max(biggest, n);
    ++n_chunks;
  });
  ASSERT_TRUE(info.ok()) << info.error;
  EXPECT_EQ(total, info.n_samples);
  EXPECT_NEAR(double(total), 20.0 * 22050, 2);
  EXPECT_GT(n_chunks, 50u);
  EXPECT_LT(biggest, 22050u);   // never the whole file at once
}

TEST(AudioDecoder, VideoWithoutAudioIsADistinctOutcome) {
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not found";
  test::TempDir dir;
  const std::string path = dir.file("video_only.mp4");
  ASSERT_TRUE(test::ffmpeg("-f lavfi -i testsrc=duration=1:size=64x64:rate=10 -an -c:v mpeg4 " + path));
  const DecodedAudio a = decode_audio(path);
  EXPECT_EQ(a.status, AudioDecodeStatus::no_audio_stream);
  EXPECT_STREQ(to_string(a.status), "no_audio_stream");
  EXPECT_NE(a.error.find(path), std::string::npos);
  EXPECT_TRUE(a.samples.empty());
  AudioDecodeOptions o;
  o.stream_index = 0;   // asking for the video stream explicitly
  EXPECT_EQ(decode_audio(path, o).status, AudioDecodeStatus::no_audio_stream);
}

TEST(AudioDecoder, MissingAndRandomFilesAreUnreadable) {
  test::TempDir dir;
  const std::string missing = dir.file("missing.mp4");
  const DecodedAudio m = decode_audio(missing);
  EXPECT_EQ(m.status, AudioDecodeStatus::unreadable);
  EXPECT_NE(m.error.find(missing), std::string::npos);

  std::mt19937 rng(7);
  std::ofstream out(dir.file("random.mp4"), std::ios::binary);
  for (int i = 0; i < 50000; ++i) out.put(static_cast<char>(rng() & 0xff));
  out.close();
  const DecodedAudio r = decode_audio(dir.file("random.mp4"));
  EXPECT_EQ(r.status, AudioDecodeStatus::unreadable);
  EXPECT_NE(r.error.find("random.mp4"), std::string::npos);

  std::ofstream(dir.file("empty.wav")).close();
  EXPECT_EQ(decode_audio(dir.file("empty.wav")).status, AudioDecodeStatus::unreadable);
}

TEST(AudioDecoder, CorruptPacketsAreSkippedAndCounted) {
  if (!test::have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not found";
  test::TempDir dir;
  const std::string clean = dir.file("clean.mp3");
  ASSERT_TRUE(test::ffmpeg("-f lavfi -i sine=frequency=440:duration=3:sample_rate=44100 -ac 2 -c:a libmp3lame -b:a 64k " + clean));
  std::vector<char> bytes;
  {
    std::ifstream in(clean, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 12000u);
  std::mt19937 rng(1);
  for (std::size_t i = 5000; i < 9000; ++i) bytes[i] = static_cast<char>(rng() & 0xff);
  std::ofstream(dir.file("corrupt.mp3"), std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));

  const DecodedAudio good = decode_audio(clean);
  const DecodedAudio bad = decode_audio(dir.file("corrupt.mp3"));
  ASSERT_TRUE(good.ok()) << good.error;
  ASSERT_TRUE(bad.ok()) << bad.error;   // what is readable is returned
  EXPECT_EQ(good.n_corrupt_packets, 0);
  EXPECT_GT(bad.n_corrupt_packets, 0);
  EXPECT_NE(bad.error.find("corrupt packet"), std::string::npos);
  EXPECT_GT(bad.samples.size(), good.samples.size() / 2);
  EXPECT_LE(bad.samples.size(), good.samples.size());
}

TEST(AudioDecoder, TruncatedRealClipIsReportedNotCrashed) {
  const std::string src = test::shared_dir() + "/data/ffdv-sample/trainset/2359ab528cd84d273ca9db9719fadde9.mp4";
  if (!fs::exists(src)) GTEST_SKIP() << "shared data not found: " << src;
  test::TempDir dir;
  std::vector<char> bytes;
  {
    std::ifstream in(src, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (std::size_t keep : {bytes.size() / 3, bytes.size() - 1000}) {
    const std::string path = dir.file("cut_" + std::to_string(keep) + ".mp4");
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(keep));
    const DecodedAudio a = decode_audio(path);
    EXPECT_NE(a.status, AudioDecodeStatus::no_audio_stream) << keep;
    if (!a.ok()) {
      EXPECT_NE(a.error.find(path), std::string::npos);
      EXPECT_TRUE(a.samples.empty());
    } else {
      EXPECT_GT(a.samples.size(), 0u);
    }
  }
}

TEST(AudioDecoder, FfdvSampleMp3InMp4MatchesFfprobe) {
  const std::string path = test::shared_dir() + "/data/ffdv-sample/trainset/2359ab528cd84d273ca9db9719fadde9.mp4";
  if (!fs::exists(path)) GTEST_SKIP() << "shared data not found: " << path;
  AudioDecodeOptions o;
  o.sample_rate = 0;
  const DecodedAudio a = decode_audio(path, o);
  ASSERT_TRUE(a.ok()) << a.error;
  // ffprobe: mp3, 44100 Hz, 2 channels, duration 10.319002 s (duration_ts 455068).
  EXPECT_EQ(a.codec, "mp3");
  EXPECT_EQ(a.source_sample_rate, 44100);
  EXPECT_EQ(a.source_channels, 2);
  EXPECT_NEAR(a.source_duration_s, 10.319002, 1e-3);
  EXPECT_NEAR(a.duration_s(), 10.319002, 0.03);
  EXPECT_EQ(a.n_corrupt_packets, 0);
  // At 22050 Hz (the FFDV baseline's librosa.load default) the length halves.
  const DecodedAudio b = decode_audio(path);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.sample_rate, 22050);
  EXPECT_NEAR(double(b.samples.size()), a.samples.size() / 2.0, 2);
  float peak = 0;
  for (float v : b.samples) peak = std::max(peak, std::abs(v));
  EXPECT_GT(peak, 0.01f);   // speech, not silence
  EXPECT_LE(peak, 1.5f);
}

TEST(AudioDecoder, Add2022WavMatchesFfprobeExactly) {
  const std::string path = test::shared_dir() + "/data/add2022-audio/train/ADD_T_00000000.wav";
  if (!fs::exists(path)) GTEST_SKIP() << "shared data not found: " << path;
  AudioDecodeOptions o;
  o.sample_rate = 16000;
  const DecodedAudio a = decode_audio(path, o);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.codec, "pcm_s16le");
  EXPECT_EQ(a.source_sample_rate, 16000);
  EXPECT_EQ(a.samples.size(), 64958u);   // ffprobe duration_ts, 4.059875 s
  // Same samples as libsndfile reads.
  const SoundFile s = read_sound_file(path);
  ASSERT_EQ(s.samples.size(), a.samples.size());
  for (std::size_t i = 0; i < s.samples.size(); i += 101) ASSERT_FLOAT_EQ(a.samples[i], s.samples[i]);
}

TEST(AudioDecoder, AviWithACorruptAc3TailDecodes) {
  const std::string path = test::shared_dir() + "/data/media-edge/Megamind.avi";
  if (!fs::exists(path)) GTEST_SKIP() << "shared data not found: " << path;
  const DecodedAudio a = decode_audio(path);
  EXPECT_TRUE(a.ok()) << a.error;
  EXPECT_GT(a.duration_s(), 5.0);
  EXPECT_EQ(a.n_corrupt_packets, 1);   // the incomplete last AC-3 frame
  EXPECT_NE(a.error.find("1 corrupt packet"), std::string::npos) << a.error;
}

}  // namespace
}  // namespace dflab
