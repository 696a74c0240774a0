// make_av_clip on generated clips: each frame's audio window starts at the sample of its pts, a
// track muxed to start late (ffmpeg -itsoffset; skipped without ffmpeg) moves every window by the
// offset and the frame that hears a tone burst moves with it; audio-less and unreadable files are
// statuses naming the file; the cache hits on a second read and misses when params change.
#include "modalities/av/av_clip.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "modalities/av/av_cache.h"
#include "modalities/media/media_writer.h"
#include "modalities/video/video_decoder.h"
#include "registry/registry.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "dflab_av_clip_XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

constexpr int kRate = 16000, kFps = 25;
// Centres of two 80 ms 1 kHz tones: frames 16 and 35 at 25 fps.
constexpr double kBurstsAt[] = {0.64, 1.40};

// 2 s, 25 fps, 64 x 64 grey frames; silence but for the tone bursts. sample_rate 0: no audio track.
void write_clip(const std::string& path, int sample_rate) {
  MediaWriterOptions o;
  o.width = o.height = 64;
  o.fps = kFps;
  o.sample_rate = sample_rate;
  MediaWriter w(path, o);
  const int n_frames = 2 * kFps;
  for (int k = 0; k < n_frames; ++k) {
    w.write_frame(cv::Mat(64, 64, CV_8UC3, cv::Scalar(100, 120, 140)));
    if (!sample_rate) continue;
    std::vector<float> a(static_cast<std::size_t>(sample_rate / kFps));
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double t = static_cast<double>(k) / kFps + static_cast<double>(i) / sample_rate;
      for (double at : kBurstsAt)
        if (std::abs(t - at) < 0.04) a[i] = static_cast<float>(0.5 * std::sin(2 * M_PI * 1000 * t));
    }
    w.write_audio(a.data(), a.size());
  }
  w.finish();
}

// A FaceClip whose "crops" are the whole decoded frames, with the decoder's own timestamps: what
// the extractor would hand over, without a detector.
FaceClip whole_frame_clip(const std::string& path) {
  FaceClip c;
  c.path = path;
  const DecodeReport r = decode_video(path, FrameSampling::all(), [&](VideoFrame& f) {
    c.frames.push_back(f.bgr.clone());
    c.timestamps_s.push_back(f.timestamp_s);
    c.frame_indices.push_back(f.index);
    c.crop_boxes.emplace_back(0.f, 0.f, static_cast<float>(f.bgr.cols), static_cast<float>(f.bgr.rows));
    c.face_boxes.push_back(c.crop_boxes.back());
    c.landmarks.emplace_back();
    c.detected.push_back(1);
    return true;
  });
  c.status = r.status == DecodeStatus::ok ? ClipStatus::ok : ClipStatus::failed;
  c.message = r.message;
  return c;
}

std::unique_ptr<AudioFeature> waveform() {
  Registry reg;
  register_audio_feature_plugins(reg);
  Params p = reg.defaults(kind::audio_feature, "waveform");
  p.set("sample_rate", std::int64_t{kRate});
  return reg.create<AudioFeature>(kind::audio_feature, "waveform", p);
}

// The frames whose window holds a tone burst whole (over 3/4 of the loudest window's energy; a
// window half over a burst has about half).
std::vector<std::size_t> loud_frames(const AvClip& av) {
  std::vector<double> energy;
  for (const FeatureMatrix& w : av.audio) {
    double e = 0;
    for (float v : w.data) e += static_cast<double>(v) * v;
    energy.push_back(e);
  }
  const double top = *std::max_element(energy.begin(), energy.end());
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < energy.size(); ++k)
    if (energy[k] > 0.75 * top) out.push_back(k);
  return out;
}
using Frames = std::vector<std::size_t>;

AvOptions short_windows() {
  AvOptions o;
  o.window_s = 0.04;   // one frame's worth: only frame 16's window lies wholly inside the burst
  o.mouth.width = 32;
  o.mouth.height = 16;
  return o;
}

TEST(AvClip, EachFramesWindowStartsAtTheSampleOfItsPts) {
  TempDir d;
  const std::string clean = (d.path / "clean.mp4").string();
  write_clip(clean, kRate);
  const auto feature = waveform();
  const AvClip av = make_av_clip(whole_frame_clip(clean), *feature, short_windows());
  ASSERT_EQ(av.status, AvStatus::ok) << av.message;
  ASSERT_EQ(av.audio.size(), 50u);
  EXPECT_EQ(av.window_samples, 640);
  EXPECT_EQ(av.sample_rate, kRate);
  EXPECT_NEAR(av.audio_start_s, 0.0, 1e-3) << "the encoder's priming samples are not audio";
  for (std::size_t k = 0; k < av.audio.size(); ++k) {
    EXPECT_NEAR(av.timestamps_s[k], k * 0.04, 1e-6);
    EXPECT_EQ(av.window_starts[k], std::llround((av.video_start_s + av.timestamps_s[k] - av.audio_start_s) * kRate) - 320) << k;
    EXPECT_EQ(av.audio[k].n_rows, 1);
    EXPECT_EQ(av.audio[k].n_cols, 640);
    EXPECT_EQ(av.mouths[k].size(), cv::Size(32, 16));
  }
  EXPECT_LT(av.coverage[0], 0.6f) << "frame 0's window starts before the audio";
  EXPECT_EQ(av.coverage[25], 1.0f);
  EXPECT_EQ(loud_frames(av), (Frames{16, 35})) << "the bursts at 0.64 s and 1.40 s are heard with frames 16 and 35";
}

TEST(AvClip, LateAudioTrackMovesEveryWindowByItsOffset) {
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) GTEST_SKIP() << "ffmpeg not installed";
  TempDir d;
  const std::string clean = (d.path / "clean.mp4").string(), late = (d.path / "late.mp4").string();
  write_clip(clean, kRate);
  const std::string cmd = "ffmpeg -v error -y -i " + clean + " -itsoffset 0.4 -i " + clean +
                          " -map 0:v -map 1:a -c copy " + late;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto feature = waveform();
  const AvClip a = make_av_clip(whole_frame_clip(clean), *feature, short_windows());
  const AvClip b = make_av_clip(whole_frame_clip(late), *feature, short_windows());
  ASSERT_EQ(a.status, AvStatus::ok) << a.message;
  ASSERT_EQ(b.status, AvStatus::ok) << b.message;
  ASSERT_EQ(a.audio.size(), b.audio.size());
  // ffmpeg's remux keeps the AAC encoder's 1024 priming samples as audio (its edit list starts
  // the track at 0.4 s minus 64 ms), so the late track starts 0.336 s after the clean one: the
  // timestamps say so, and the windows follow them rather than an assumed 0.4 s.
  EXPECT_GT(b.audio_start_s - a.audio_start_s, 0.3) << "the container's offset is honoured";
  EXPECT_LT(b.audio_start_s - a.audio_start_s, 0.45);
  for (std::size_t k = 0; k < a.audio.size(); ++k)
    EXPECT_EQ(a.window_starts[k] - b.window_starts[k], std::llround((b.audio_start_s - a.audio_start_s) * kRate)) << k;
  // Frame k + 10 (0.4 s later) of the late clip hears what frame k of the clean clip hears: the
  // same packets, decoded to the same samples.
  int compared = 0;
  for (std::size_t k = 0; k + 10 < a.audio.size(); ++k) {
    if (a.coverage[k] < 1.0f || b.coverage[k + 10] < 1.0f) continue;
    float max_diff = 0;
    for (std::size_t i = 0; i < a.audio[k].data.size(); ++i)
      max_diff = std::max(max_diff, std::abs(a.audio[k].data[i] - b.audio[k + 10].data[i]));
    EXPECT_LT(max_diff, 1e-3) << "frame " << k;
    ++compared;
  }
  EXPECT_GT(compared, 30);
  EXPECT_EQ(loud_frames(b), (Frames{26, 45})) << "the bursts are heard 0.4 s (10 frames) later";
  EXPECT_EQ(b.coverage[5], 0.0f) << "0.2 s: the audio has not started";
}

// Variable frame rate: 25 fps for the first second, then 12.5 fps. The frame shown at 1.40 s is
// frame 30, not 35: windows follow the frames' timestamps, not index / fps.
TEST(AvClip, VariableFrameRateFramesHearTheAudioOfTheirOwnTimestamps) {
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) GTEST_SKIP() << "ffmpeg not installed";
  TempDir d;
  const std::string clean = (d.path / "clean.mp4").string(), vfr = (d.path / "vfr.mp4").string();
  write_clip(clean, kRate);
  const std::string cmd = "ffmpeg -v error -y -i " + clean +
                          " -vf \"setpts='if(lt(N,25),N*0.04,1+(N-25)*0.08)/TB'\" -vsync vfr -c:v libx264 -c:a copy " + vfr;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const auto feature = waveform();
  const FaceClip faces = whole_frame_clip(vfr);
  ASSERT_EQ(faces.timestamps_s.size(), 50u);
  EXPECT_NEAR(faces.timestamps_s[24], 0.96, 1e-3);
  EXPECT_NEAR(faces.timestamps_s[30], 1.40, 1e-3) << "the clip is variable frame rate";
  const AvClip av = make_av_clip(faces, *feature, short_windows());
  ASSERT_EQ(av.status, AvStatus::ok) << av.message;
  for (std::size_t k = 0; k < av.audio.size(); ++k)
    EXPECT_EQ(av.window_starts[k], std::llround((av.video_start_s + av.timestamps_s[k] - av.audio_start_s) * kRate) - 320) << k;
  EXPECT_EQ(loud_frames(av), (Frames{16, 30}));
  EXPECT_EQ(av.coverage[49], 0.0f) << "2.92 s: past the 2 s of audio";
}

TEST(AvClip, AudioLessAndUnreadableFilesAreStatusesNamingTheFile) {
  TempDir d;
  const std::string mute = (d.path / "mute.mp4").string();
  write_clip(mute, 0);
  const auto feature = waveform();
  const AvClip a = make_av_clip(whole_frame_clip(mute), *feature, short_windows());
  EXPECT_EQ(a.status, AvStatus::no_audio);
  EXPECT_NE(a.message.find(mute), std::string::npos) << a.message;
  EXPECT_TRUE(a.audio.empty());

  const std::string broken = (d.path / "broken.mp4").string();
  std::ofstream(broken) << "not a video at all";
  FaceClip faces;   // what the extractor reports for it
  faces.path = broken;
  faces.status = ClipStatus::failed;
  faces.message = broken + ": cannot open";
  const AvClip b = make_av_clip(faces, *feature, short_windows());
  EXPECT_EQ(b.status, AvStatus::failed);
  EXPECT_NE(b.message.find(broken), std::string::npos);
  faces.status = ClipStatus::ok;   // frames fine, audio not: the audio error names it too
  const AvClip c = make_av_clip(faces, *feature, short_windows());
  EXPECT_EQ(c.status, AvStatus::failed);
  EXPECT_NE(c.message.find(broken), std::string::npos) << c.message;
}

TEST(AvCache, SecondReadHitsAndOtherParamsOrAnEditedFileMiss) {
  TempDir d;
  const std::string clip = (d.path / "clean.mp4").string();
  write_clip(clip, kRate);
  const auto feature = waveform();
  const AvClip av = make_av_clip(whole_frame_clip(clip), *feature, short_windows());
  ASSERT_EQ(av.status, AvStatus::ok);
  AvCache cache((d.path / "cache").string());
  const std::string params = short_windows().canonical() + "|" + feature->cache_key();
  EXPECT_FALSE(cache.load(clip, params));
  cache.store(av, params);
  EXPECT_FALSE(fs::exists(d.path / "cache/.tmp") && !fs::is_empty(d.path / "cache/.tmp")) << "no temp entry left";
  const std::optional<AvClip> hit = cache.load(clip, params);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->status, AvStatus::ok);
  ASSERT_EQ(hit->audio.size(), av.audio.size());
  EXPECT_EQ(hit->window_starts, av.window_starts);
  EXPECT_EQ(hit->timestamps_s, av.timestamps_s);
  EXPECT_DOUBLE_EQ(hit->audio_start_s, av.audio_start_s);
  for (std::size_t k = 0; k < av.audio.size(); ++k) {
    EXPECT_EQ(hit->audio[k].data, av.audio[k].data) << k;
    EXPECT_EQ(cv::norm(hit->mouths[k], av.mouths[k], cv::NORM_INF), 0.0) << "PNG is lossless";
  }
  EXPECT_FALSE(cache.load(clip, params + ";other"));
  // A damaged entry reads as absent.
  const fs::path entry = cache.entry_dir(AvCache::key(VideoIdentity::of(clip), params));
  fs::remove(entry / "audio.npy");
  EXPECT_FALSE(cache.load(clip, params));
  cache.store(av, params);
  EXPECT_TRUE(cache.load(clip, params));
  // A statused clip (no audio) caches too, without samples.
  const std::string mute = (d.path / "mute.mp4").string();
  write_clip(mute, 0);
  cache.store(make_av_clip(whole_frame_clip(mute), *feature, short_windows()), params);
  const auto m = cache.load(mute, params);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, AvStatus::no_audio);
  EXPECT_NE(m->message.find(mute), std::string::npos);
}

}  // namespace
}  // namespace dflab
