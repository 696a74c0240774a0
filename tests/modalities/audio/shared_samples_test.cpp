// Every real clip under ../shared/data/ffdv-sample (MP3 44.1 kHz stereo in mp4) and
// ../shared/data/add2022-audio (16 kHz mono PCM) decodes with the rate, channel count and duration
// ffprobe reports. Labelled slow: it runs ffprobe 50 times.
#include <cstdio>
#include <sstream>

#include <gtest/gtest.h>

#include "audio_test_util.h"
#include "modalities/audio/audio_decoder.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

// ffprobe's view of the first audio stream: "sample_rate,channels,duration_ts,duration".
std::vector<std::string> ffprobe_audio(const std::string& path) {
  const std::string cmd = "ffprobe -v error -select_streams a:0 -show_entries "
                          "stream=sample_rate,channels,duration_ts,duration -of csv=p=0 '" + path + "' 2>/dev/null";
  std::vector<std::string> fields;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return fields;
  char buf[256] = {0};
  std::string line = std::fgets(buf, sizeof buf, pipe) ? buf : "";
  ::pclose(pipe);
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
  return fields;
}

TEST(SharedSamples, EveryClipDecodesWithFfprobesRateChannelsAndDuration) {
  const fs::path ffdv = test::shared_dir() + "/data/ffdv-sample", add = test::shared_dir() + "/data/add2022-audio";
  if (!fs::exists(ffdv) || !fs::exists(add)) GTEST_SKIP() << "shared data not found under " << test::shared_dir();
  if (std::system("ffprobe -version > /dev/null 2>&1") != 0) GTEST_SKIP() << "ffprobe not found";
  int n_files = 0;
  for (const auto& root : {ffdv, add}) {
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".mp4" && ext != ".wav") continue;
      const std::string path = e.path().string();
      const auto probe = ffprobe_audio(path);   // sample_rate, channels, duration_ts, duration
      ASSERT_EQ(probe.size(), 4u) << path;
      AudioDecodeOptions o;
      o.sample_rate = 0;   // native rate
      const DecodedAudio a = decode_audio(path, o);
      ASSERT_TRUE(a.ok()) << a.error;
      EXPECT_EQ(a.sample_rate, std::stoi(probe[0])) << path;
      EXPECT_EQ(a.source_channels, std::stoi(probe[1])) << path;
      EXPECT_EQ(a.n_corrupt_packets, 0) << path;
      if (ext == ".wav") {
        EXPECT_EQ(a.sample_rate, 16000) << path;   // ADD 2022: 16 kHz PCM, sample-exact
        EXPECT_EQ(a.samples.size(), std::stoull(probe[2])) << path;
      } else {
        EXPECT_EQ(a.sample_rate, 44100) << path;   // FFDV: MP3 at 44.1 kHz; the decoder trims the
        EXPECT_NEAR(a.duration_s(), std::stod(probe[3]), 0.03) << path;   // encoder delay itself
      }
      ++n_files;
    }
  }
  EXPECT_EQ(n_files, 50);   // 10 FFDV clips + 40 ADD 2022 clips
}

}  // namespace
}  // namespace dflab
