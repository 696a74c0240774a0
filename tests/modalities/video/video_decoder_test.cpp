// Decoding and sampling on clips generated here with libav (synthetic_clip.h: every frame shows its
// own index), plus the real clips under shared/data when present.
#include "modalities/video/video_decoder.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/modalities/video/synthetic_clip.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

using test::ClipSpec;
using test::read_frame_index;
using test::write_clip;

struct Got {
  std::vector<int64_t> index;        // reported
  std::vector<int> content;          // read from the pixels
  std::vector<double> ts;
  std::vector<cv::Mat> frames;
};

Got decode(const std::string& path, const FrameSampling& s, DecodeMode mode, DecodeReport* rep = nullptr,
           bool keep = false) {
  Got g;
  DecodeOptions opt;
  opt.mode = mode;
  DecodeReport r = decode_video(path, s, [&](VideoFrame& f) {
    g.index.push_back(f.index);
    g.content.push_back(read_frame_index(f.bgr));
    g.ts.push_back(f.timestamp_s);
    if (keep) g.frames.push_back(f.bgr);
    return true;
  }, opt);
  if (rep) *rep = r;
  return g;
}

class VideoDecoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::make_temp_dir("dflab_video_dec_"));
    ClipSpec spec;
    spec.n_frames = 90;   // 3 s at 30 fps, key frame every 10 frames, B-frames
    write_clip(clip(), spec);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string clip() { return *dir_ + "/base.mp4"; }
  static std::string file(const std::string& name) { return *dir_ + "/" + name; }
  static std::string* dir_;
};
std::string* VideoDecoderTest::dir_ = nullptr;

const DecodeMode kModes[] = {DecodeMode::all, DecodeMode::skip_nonref, DecodeMode::seek,
                             DecodeMode::automatic};

TEST_F(VideoDecoderTest, ProbeReportsStreamFacts) {
  VideoInfo info = probe_video(clip());
  EXPECT_EQ(info.width, 64);
  EXPECT_EQ(info.height, 48);
  EXPECT_EQ(info.rotation_deg, 0);
  EXPECT_NEAR(info.fps, 30.0, 1e-6);
  EXPECT_NEAR(info.duration_s, 3.0, 0.05);
  EXPECT_EQ(info.n_frames, 90);
  EXPECT_EQ(info.codec, "h264");
}

TEST_F(VideoDecoderTest, AllFramesInOrderWithTimestamps) {
  DecodeReport rep;
  Got g = decode(clip(), FrameSampling::all(), DecodeMode::all, &rep);
  ASSERT_EQ(rep.status, DecodeStatus::ok) << rep.message;
  ASSERT_EQ(g.index.size(), 90u);
  for (int i = 0; i < 90; ++i) {
    EXPECT_EQ(g.index[i], i);
    EXPECT_EQ(g.content[i], i);
    EXPECT_NEAR(g.ts[i], i / 30.0, 1e-6);
  }
}

TEST_F(VideoDecoderTest, UniformSamplingSameFramesInEveryMode) {
  // Targets 0, 0.75, 1.5, 2.25 s → first frames at or after: 0, 23 (22.5 rounds up), 45, 68.
  const std::vector<int64_t> want = {0, 23, 45, 68};
  for (DecodeMode m : kModes) {
    DecodeReport rep;
    Got g = decode(clip(), FrameSampling::uniform(4), m, &rep);
    ASSERT_EQ(rep.status, DecodeStatus::ok) << to_string(m) << ": " << rep.message;
    EXPECT_EQ(g.index, want) << to_string(m);
    std::vector<int64_t> content(g.content.begin(), g.content.end());
    EXPECT_EQ(content, want) << to_string(m);
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(g.ts[i], want[i] / 30.0, 1e-6);
    if (m == DecodeMode::seek) {
      EXPECT_GT(rep.n_seeks, 0);
      EXPECT_LT(rep.n_decoded, 90) << "seeking decodes less than everything";
    }
    if (m == DecodeMode::skip_nonref) {
      EXPECT_LT(rep.n_decoded, 69) << "non-reference frames dropped";
    }
    if (m == DecodeMode::all) {
      EXPECT_EQ(rep.n_decoded, 69) << "stops after the last target";
    }
  }
}

TEST_F(VideoDecoderTest, EveryNthCountsFrames) {
  for (DecodeMode m : kModes) {
    Got g = decode(clip(), FrameSampling::every_nth(7), m);
    ASSERT_EQ(g.index.size(), 13u) << to_string(m);   // 0, 7, ..., 84
    for (size_t i = 0; i < g.index.size(); ++i) {
      EXPECT_EQ(g.index[i], static_cast<int64_t>(7 * i));
      EXPECT_EQ(g.content[i], static_cast<int>(7 * i));
    }
  }
}

TEST_F(VideoDecoderTest, FixedRateTakesEveryThirdFrameOfA30FpsClip) {
  Got g = decode(clip(), FrameSampling::fixed_rate(10.0), DecodeMode::skip_nonref);
  ASSERT_EQ(g.index.size(), 30u);
  for (size_t i = 0; i < g.index.size(); ++i) EXPECT_EQ(g.content[i], static_cast<int>(3 * i));
}

TEST_F(VideoDecoderTest, TimeWindowSeeksToItsStart) {
  for (DecodeMode m : kModes) {
    DecodeReport rep;
    Got g = decode(clip(), FrameSampling::all().window(1.5, 1.8), m, &rep);
    ASSERT_EQ(g.content.size(), 9u) << to_string(m);   // frames 45..53 (54 is at 1.8 s: excluded)
    for (size_t i = 0; i < g.content.size(); ++i) EXPECT_EQ(g.content[i], static_cast<int>(45 + i));
    if (m == DecodeMode::seek) {
      EXPECT_EQ(rep.n_seeks, 1);
    }
    // Uniform inside a window: 3 frames over [1.5, 2.4) → 1.5, 1.8, 2.1 s.
    Got u = decode(clip(), FrameSampling::uniform(3).window(1.5, 2.4), m);
    EXPECT_EQ(u.content, (std::vector<int>{45, 54, 63})) << to_string(m);
  }
}

TEST_F(VideoDecoderTest, VisitorCanStopEarly) {
  int n = 0;
  DecodeReport rep = decode_video(clip(), FrameSampling::all(), [&](VideoFrame&) { return ++n < 5; });
  EXPECT_EQ(rep.status, DecodeStatus::ok);
  EXPECT_EQ(n, 5);
  EXPECT_EQ(rep.n_selected, 5);
}

TEST_F(VideoDecoderTest, DecoderRunsTwice) {
  VideoDecoder dec(clip());
  std::vector<int> a, b;
  dec.run(FrameSampling::uniform(4), [&](VideoFrame& f) { a.push_back(read_frame_index(f.bgr)); return true; });
  dec.run(FrameSampling::uniform(4), [&](VideoFrame& f) { b.push_back(read_frame_index(f.bgr)); return true; });
  EXPECT_EQ(a, (std::vector<int>{0, 23, 45, 68}));
  EXPECT_EQ(a, b);
}

TEST_F(VideoDecoderTest, VariableFrameRateUsesTimestamps) {
  ClipSpec spec;
  spec.n_frames = 10;
  spec.pts_ms = {0, 40, 120, 130, 200, 400, 410, 500, 700, 900};
  const std::string path = file("vfr.mkv");
  write_clip(path, spec);
  Got all = decode(path, FrameSampling::all(), DecodeMode::all);
  ASSERT_EQ(all.ts.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_NEAR(all.ts[i], spec.pts_ms[i] / 1000.0, 1e-6);
    EXPECT_EQ(all.content[i], i);
    EXPECT_EQ(all.index[i], i);
  }
  // 5 fps targets 0, .2, .4, .6, .8 s → frames at 0, 200, 400, 700 (first ≥ 600), 900 ms.
  for (DecodeMode m : kModes) {
    Got r = decode(path, FrameSampling::fixed_rate(5.0), m);
    EXPECT_EQ(r.content, (std::vector<int>{0, 4, 5, 8, 9})) << to_string(m);
  }
}

bool have_ffmpeg_cli() { return std::system("ffmpeg -version > /dev/null 2>&1") == 0; }

TEST_F(VideoDecoderTest, RotationMetadataIsAppliedAsFfmpegDoes) {
  for (int rot : {90, 180, 270}) {
    ClipSpec spec;
    spec.n_frames = 12;
    spec.rotation_cw = rot;
    const std::string path = file("rot" + std::to_string(rot) + ".mp4");
    write_clip(path, spec);
    VideoInfo info = probe_video(path);
    // The mp4 round trip of the display matrix flips its sign in some FFmpeg versions: the
    // direction is checked against the ffmpeg CLI below, the quarter turn here.
    EXPECT_TRUE(rot == 180 ? info.rotation_deg == 180 : (info.rotation_deg == 90 || info.rotation_deg == 270))
        << info.rotation_deg;
    EXPECT_EQ(info.width, rot == 180 ? 64 : 48);
    EXPECT_EQ(info.height, rot == 180 ? 48 : 64);
    Got g = decode(path, FrameSampling::every_nth(5), DecodeMode::all, nullptr, true);
    ASSERT_EQ(g.frames.size(), 3u);
    for (size_t i = 0; i < g.frames.size(); ++i) {
      EXPECT_EQ(g.frames[i].cols, info.width);
      EXPECT_EQ(g.frames[i].rows, info.height);
      cv::Mat back;   // undoing the reported rotation gives the stored pattern back
      const int undo = info.rotation_deg == 90 ? cv::ROTATE_90_COUNTERCLOCKWISE
                       : info.rotation_deg == 180 ? cv::ROTATE_180 : cv::ROTATE_90_CLOCKWISE;
      cv::rotate(g.frames[i], back, undo);
      EXPECT_EQ(read_frame_index(back), static_cast<int>(5 * i)) << "rotation " << rot;
    }
    // Independent reference: the ffmpeg CLI's own autorotation of the first frame.
    if (have_ffmpeg_cli()) {
      const std::string png = file("rot" + std::to_string(rot) + "_ffmpeg.png");
      ASSERT_EQ(std::system(("ffmpeg -v error -y -i " + path + " -frames:v 1 " + png).c_str()), 0);
      cv::Mat ref = cv::imread(png);
      ASSERT_EQ(ref.size(), g.frames[0].size()) << "rotation " << rot;
      cv::Mat diff;
      cv::absdiff(ref, g.frames[0], diff);
      EXPECT_LT(cv::mean(diff)[0], 4.0) << "rotation " << rot << " differs from ffmpeg's";
    }
  }
  // apply_rotation = false keeps the stored orientation.
  DecodeOptions keep;
  keep.apply_rotation = false;
  VideoDecoder dec(file("rot90.mp4"), keep);
  EXPECT_EQ(dec.info().width, 64);
  EXPECT_EQ(dec.info().rotation_deg, 0);
}

TEST_F(VideoDecoderTest, OddFrameSize) {
  ClipSpec spec;
  spec.width = 33;
  spec.height = 17;
  spec.n_frames = 20;
  spec.codec = "mpeg4";   // libx264 refuses odd sizes for 4:2:0
  spec.max_b_frames = 0;
  const std::string path = file("odd.mp4");
  write_clip(path, spec);
  Got g = decode(path, FrameSampling::uniform(4), DecodeMode::automatic, nullptr, true);
  ASSERT_EQ(g.frames.size(), 4u);
  EXPECT_EQ(g.frames[0].cols, 33);
  EXPECT_EQ(g.frames[0].rows, 17);
  EXPECT_EQ(g.content, (std::vector<int>{0, 5, 10, 15}));
}

TEST_F(VideoDecoderTest, WidthsWhoseRowsAreNotVectorMultiples) {
  // 440 px (a real DFL clip's width): libswscale's vector stores overran such rows once.
  // A sanitizer build (-DDFLAB_SANITIZE=address) turns any overrun into a failure here.
  for (int w : {440, 446, 62}) {
    ClipSpec spec;
    spec.width = w;
    spec.height = 34;
    spec.n_frames = 6;
    const std::string path = file("w" + std::to_string(w) + ".mp4");
    write_clip(path, spec);
    Got g = decode(path, FrameSampling::all(), DecodeMode::all, nullptr, true);
    ASSERT_EQ(g.frames.size(), 6u) << w;
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(g.frames[i].cols, w);
      EXPECT_TRUE(g.frames[i].isContinuous());
      EXPECT_EQ(g.content[i], i) << w;
    }
  }
}

// keep_source hands out the decoded yuv picture; to_bgr() of it later must give the very pixels
// the visitor got (extract_faces' hold_yuv relies on it): rotated, odd and unaligned widths too.
TEST_F(VideoDecoderTest, KeptSourceConvertsToTheSameBgrLater) {
  struct Case { int w, h, rot; const char* codec; };
  for (const Case c : {Case{64, 48, 90, "libx264"}, Case{64, 48, 0, "libx264"},
                       Case{446, 34, 0, "libx264"}, Case{33, 17, 180, "mpeg4"}}) {
    ClipSpec spec;
    spec.width = c.w;
    spec.height = c.h;
    spec.n_frames = 8;
    spec.rotation_cw = c.rot;
    spec.codec = c.codec;
    if (std::string(c.codec) == "mpeg4") spec.max_b_frames = 0;
    const std::string path = file("src_" + std::to_string(c.w) + "_" + std::to_string(c.rot) + ".mp4");
    write_clip(path, spec);
    DecodeOptions opt;
    opt.keep_source = true;
    VideoDecoder dec(path, opt);
    std::vector<cv::Mat> bgr;
    std::vector<std::shared_ptr<AVFrame>> src;
    const DecodeReport r = dec.run(FrameSampling::uniform(4), [&](VideoFrame& f) {
      EXPECT_TRUE(f.source);
      bgr.push_back(f.bgr);
      src.push_back(std::move(f.source));
      return true;
    });
    EXPECT_EQ(r.status, DecodeStatus::ok) << r.message;
    ASSERT_EQ(src.size(), 4u) << path;
    for (std::size_t i = 0; i < src.size(); ++i) {
      const cv::Mat again = dec.to_bgr(*src[i]);
      ASSERT_EQ(again.size(), bgr[i].size()) << path;
      EXPECT_EQ(cv::norm(again, bgr[i], cv::NORM_INF), 0.0) << path << " frame " << i;
    }
  }
  // Without keep_source no picture is held.
  decode_video(file("src_64_0.mp4"), FrameSampling::uniform(2), [](VideoFrame& f) {
    EXPECT_FALSE(f.source);
    return true;
  });
}

TEST_F(VideoDecoderTest, TruncatedFileKeepsFramesDecodedBeforeTheCut) {
  // Cut in the middle of the media data ('mdat'), after the index at the front (faststart).
  const auto size = fs::file_size(clip());
  std::string bytes(size, '\0');
  std::ifstream(clip(), std::ios::binary).read(bytes.data(), size);
  const auto mdat = bytes.find("mdat");
  ASSERT_NE(mdat, std::string::npos);
  const std::string path = file("truncated.mp4");
  fs::copy_file(clip(), path, fs::copy_options::overwrite_existing);
  fs::resize_file(path, mdat + (size - mdat) / 2);
  DecodeReport rep;
  Got g = decode(path, FrameSampling::all(), DecodeMode::all, &rep);
  EXPECT_EQ(rep.status, DecodeStatus::partial) << rep.message;
  EXPECT_NE(rep.message.find(path), std::string::npos) << rep.message;
  ASSERT_GT(g.index.size(), 10u);
  EXPECT_LT(g.index.size(), 90u);
  for (size_t i = 0; i + 3 < g.index.size(); ++i) EXPECT_EQ(g.content[i], static_cast<int>(i));
}

TEST_F(VideoDecoderTest, TruncatedFileWithIndexAtTheEndFails) {
  ClipSpec spec;
  spec.faststart = false;   // mp4 'moov' written last: cutting the tail loses the index
  const std::string full = file("moov_last.mp4"), cut = file("moov_last_cut.mp4");
  write_clip(full, spec);
  fs::copy_file(full, cut, fs::copy_options::overwrite_existing);
  fs::resize_file(cut, fs::file_size(full) / 2);
  DecodeReport rep;
  Got g = decode(cut, FrameSampling::uniform(4), DecodeMode::automatic, &rep);
  EXPECT_EQ(rep.status, DecodeStatus::failed);
  EXPECT_NE(rep.message.find(cut), std::string::npos) << rep.message;
  EXPECT_TRUE(g.index.empty());
}

TEST_F(VideoDecoderTest, BadFilesAreReportedNotThrown) {
  const std::string empty = file("empty.mp4");
  std::ofstream(empty).close();
  const std::string noise = file("noise.mp4");
  {
    std::ofstream out(noise, std::ios::binary);
    std::mt19937 rng(7);
    for (int i = 0; i < 50000; ++i) out.put(static_cast<char>(rng() & 0xff));
  }
  const std::string wav = file("audio_only.wav");
  test::write_wav(wav, 1.0);
  const std::string missing = file("does_not_exist.mp4");

  struct Case { std::string path; DecodeStatus want; };
  for (const Case& c : {Case{empty, DecodeStatus::failed}, Case{noise, DecodeStatus::failed},
                        Case{wav, DecodeStatus::no_video}, Case{missing, DecodeStatus::failed}}) {
    int n = 0;
    DecodeReport rep = decode_video(c.path, FrameSampling::uniform(4), [&](VideoFrame&) { ++n; return true; });
    EXPECT_EQ(rep.status, c.want) << c.path << ": " << rep.message;
    EXPECT_NE(rep.message.find(c.path), std::string::npos) << rep.message;
    EXPECT_EQ(n, 0);
  }
  EXPECT_THROW(probe_video(wav), NoVideoStream);
  EXPECT_THROW(probe_video(empty), MediaError);
}

TEST(FrameSamplerTest, SelectorRules) {
  // 10 frames at 10 fps, 1 s clip; k larger than the frame count never duplicates.
  FrameSelector many(FrameSampling::uniform(25), 0.0, 1.0);
  int n = 0;
  for (int i = 0; i < 10; ++i) n += many.select(i / 10.0);
  EXPECT_EQ(n, 10);
  FrameSelector few(FrameSampling::uniform(3), 0.0, 1.0);
  std::vector<int> picked;
  for (int i = 0; i < 10 && !few.done(); ++i)
    if (few.select(i / 10.0)) picked.push_back(i);
  EXPECT_EQ(picked, (std::vector<int>{0, 4, 7}));   // targets 0, 0.333, 0.667 s
  EXPECT_TRUE(few.done());

  EXPECT_THROW(FrameSampling::every_nth(0).validate(), std::invalid_argument);
  EXPECT_THROW(FrameSampling::uniform(0).validate(), std::invalid_argument);
  EXPECT_THROW(FrameSampling::fixed_rate(-1).validate(), std::invalid_argument);
  EXPECT_THROW(FrameSampling::all().window(2, 1).validate(), std::invalid_argument);
  EXPECT_THROW(parse_strategy("sparse"), std::invalid_argument);
  EXPECT_EQ(parse_strategy("rate"), FrameSampling::Strategy::rate);
  EXPECT_EQ(FrameSampling::uniform(16).canonical(), "uniform:k=16;window=[0,inf)");
  EXPECT_NE(FrameSampling::uniform(16).canonical(), FrameSampling::uniform(8).canonical());
  EXPECT_THROW(parse_decode_mode("fast"), std::invalid_argument);
}

// --- real clips ------------------------------------------------------------------------------

std::string shared(const std::string& rel) { return std::string(DFLAB_SHARED_DIR) + "/" + rel; }

TEST(VideoDecoderRealClips, FfdvUniformIdenticalAcrossModes) {
  const std::string dir = shared("data/ffdv-sample/trainset");
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared data missing: " << dir;
  std::string path;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".mp4") { path = e.path().string(); break; }
  ASSERT_FALSE(path.empty());
  Got ref = decode(path, FrameSampling::uniform(8), DecodeMode::all, nullptr, true);
  ASSERT_EQ(ref.frames.size(), 8u);
  EXPECT_EQ(ref.frames[0].cols, 384);
  for (DecodeMode m : {DecodeMode::skip_nonref, DecodeMode::seek, DecodeMode::automatic}) {
    DecodeReport rep;
    Got g = decode(path, FrameSampling::uniform(8), m, &rep, true);
    EXPECT_EQ(rep.status, DecodeStatus::ok) << rep.message;
    ASSERT_EQ(g.frames.size(), 8u) << to_string(m);
    EXPECT_EQ(g.ts, ref.ts) << to_string(m);
    for (size_t i = 0; i < 8; ++i)
      EXPECT_EQ(cv::norm(g.frames[i], ref.frames[i], cv::NORM_INF), 0.0) << to_string(m) << " frame " << i;
  }
}

TEST(VideoDecoderRealClips, MegamindAviAndItsFaultyVariant) {
  const std::string good = shared("data/media-edge/Megamind.avi");
  const std::string bugy = shared("data/media-edge/Megamind_bugy.avi");
  if (!fs::exists(good)) GTEST_SKIP() << "shared data missing: " << good;
  DecodeReport rep;
  Got g = decode(good, FrameSampling::uniform(6), DecodeMode::automatic, &rep, true);
  EXPECT_EQ(rep.status, DecodeStatus::ok) << rep.message;
  ASSERT_EQ(g.frames.size(), 6u);
  EXPECT_EQ(g.frames[0].cols, 720);
  EXPECT_EQ(g.frames[0].rows, 528);
  // The faulty file must give an outcome, whatever it is, and every delivered frame is a picture.
  Got b = decode(bugy, FrameSampling::uniform(6), DecodeMode::automatic, &rep, true);
  EXPECT_TRUE(rep.status == DecodeStatus::ok || rep.status == DecodeStatus::partial ||
              rep.status == DecodeStatus::failed) << rep.message;
  for (const auto& f : b.frames) EXPECT_EQ(f.type(), CV_8UC3);
  std::cout << "Megamind_bugy.avi: " << to_string(rep.status) << " " << rep.message << " ("
            << b.frames.size() << " frames)\n";
}

}  // namespace
}  // namespace dflab
