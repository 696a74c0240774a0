#include "modalities/video/face_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "tests/modalities/video/synthetic_clip.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

class FaceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::make_temp_dir("dflab_face_cache_");
    video_ = dir_ + "/video.mp4";
    std::ofstream(video_) << "pretend video bytes";
  }
  void TearDown() override { fs::remove_all(dir_); }

  FaceClip sample_clip(int n) const {
    FaceClip c;
    c.path = video_;
    c.status = ClipStatus::ok;
    c.n_tracks = 2;
    c.info.width = 640;
    c.info.height = 360;
    c.info.fps = 29.97;
    c.info.codec = "h264";
    std::mt19937 rng(1);
    for (int i = 0; i < n; ++i) {
      cv::Mat crop(32, 32, CV_8UC3);
      cv::randu(crop, 0, 256);
      c.frames.push_back(crop);
      c.timestamps_s.push_back(0.5 * i);
      c.frame_indices.push_back(15 * i);
      c.crop_boxes.emplace_back(10.5f + i, 20, 100, 100);
      c.face_boxes.emplace_back(25.25f + i, 35, 70, 70);
      c.detected.push_back(i % 2);
      c.landmarks.push_back(i % 2 ? std::vector<cv::Point2f>{{1.5f, 2.5f}, {3, 4}} : std::vector<cv::Point2f>{});
    }
    return c;
  }
  std::string dir_, video_;
};

TEST_F(FaceCacheTest, RoundTripIsExact) {
  FaceCache cache(dir_ + "/cache");
  const std::string params = "sampling=uniform:k=4;detector=haar{}";
  EXPECT_FALSE(cache.contains(video_, params));
  FaceClip in = sample_clip(4);
  cache.store(in, params);
  ASSERT_TRUE(cache.contains(video_, params));
  std::optional<FaceClip> out = cache.load(video_, params);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, ClipStatus::ok);
  EXPECT_EQ(out->n_tracks, 2);
  EXPECT_EQ(out->info.width, 640);
  EXPECT_DOUBLE_EQ(out->info.fps, 29.97);
  ASSERT_EQ(out->frames.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(cv::norm(out->frames[i], in.frames[i], cv::NORM_INF), 0.0) << "PNG is lossless";
    EXPECT_EQ(out->crop_boxes[i], in.crop_boxes[i]);
    EXPECT_EQ(out->face_boxes[i], in.face_boxes[i]);
    EXPECT_EQ(out->timestamps_s[i], in.timestamps_s[i]);
    EXPECT_EQ(out->frame_indices[i], in.frame_indices[i]);
    EXPECT_EQ(out->detected[i], in.detected[i]);
    EXPECT_EQ(out->landmarks[i], in.landmarks[i]);
  }
  // No leftovers in the temp area.
  EXPECT_TRUE(fs::is_empty(dir_ + "/cache/.tmp"));
}

TEST_F(FaceCacheTest, KeyedByIdentityAndParams) {
  FaceCache cache(dir_ + "/cache");
  cache.store(sample_clip(2), "p1");
  EXPECT_TRUE(cache.contains(video_, "p1"));
  EXPECT_FALSE(cache.contains(video_, "p2"));
  // A rewritten video (new size and mtime) misses.
  std::ofstream(video_, std::ios::app) << "more";
  EXPECT_FALSE(cache.contains(video_, "p1"));
  EXPECT_FALSE(cache.contains(dir_ + "/missing.mp4", "p1"));
  VideoIdentity a = VideoIdentity::of(video_);
  EXPECT_EQ(FaceCache::key(a, "p"), FaceCache::key(a, "p"));
  EXPECT_NE(FaceCache::key(a, "p"), FaceCache::key(a, "q"));
  EXPECT_EQ(FaceCache::key(a, "p").size(), 16u);
  EXPECT_THROW(VideoIdentity::of(dir_ + "/missing.mp4"), std::runtime_error);
}

// The identity text is hashed with "\n" + params: a path holding a newline must not be able to
// read as another path plus other params.
TEST_F(FaceCacheTest, PathWithNewlineNeverPutsARawNewlineIntoTheKey) {
  VideoIdentity a;
  a.canonical_path = "/data/two\nlines.mp4";
  a.size = 10;
  a.mtime_ns = 20;
  EXPECT_EQ(a.text().find('\n'), std::string::npos) << a.text();
  EXPECT_EQ(a.text(), "/data/two\\nlines.mp4|10|20");
  VideoIdentity plain = a;
  plain.canonical_path = "/data/plain.mp4";
  EXPECT_EQ(plain.text(), "/data/plain.mp4|10|20") << "paths without newlines keep their keys";
  // "/x|1|2\ny.mp4" of size 3 used to hash the same text as "/x" of size 1 with other params.
  VideoIdentity crafted;
  crafted.canonical_path = "/x|1|2\ny.mp4";
  crafted.size = 3;
  crafted.mtime_ns = 4;
  VideoIdentity short_one;
  short_one.canonical_path = "/x";
  short_one.size = 1;
  short_one.mtime_ns = 2;
  EXPECT_NE(FaceCache::key(crafted, "p"), FaceCache::key(short_one, "y.mp4|3|4\np"));
}

// Crops made before a decoder change (here: the parameter text of version 1, which named no
// decoder) are not read as current ones.
TEST_F(FaceCacheTest, EntriesOfAnOlderDecoderAreNotReused) {
  FaceCache cache(dir_ + "/cache");
  const Params detector_params;
  const FaceExtractOptions options;
  const std::string v1 = options.canonical() + ";detector=haar{" + detector_params.canonical() + "}";
  cache.store(sample_clip(2), v1);
  ASSERT_TRUE(cache.contains(video_, v1));
  EXPECT_FALSE(cache.contains(video_, face_cache_params(options, "haar", detector_params)));
  cache.store(sample_clip(2), face_cache_params(options, "haar", detector_params));
  EXPECT_TRUE(cache.contains(video_, face_cache_params(options, "haar", detector_params)));
}

TEST_F(FaceCacheTest, InterruptedOrDamagedEntriesAreNotValid) {
  FaceCache cache(dir_ + "/cache");
  const std::string params = "p";
  const std::string k = FaceCache::key(VideoIdentity::of(video_), params);
  // An interrupted writer leaves only its temp folder: not an entry.
  fs::create_directories(dir_ + "/cache/.tmp/" + k + ".999.0");
  std::ofstream(dir_ + "/cache/.tmp/" + k + ".999.0/crop_000.png") << "half";
  EXPECT_FALSE(cache.contains(video_, params));
  // A damaged entry in place (truncated meta.json) reads as absent and is replaced by store().
  const std::string entry = cache.entry_dir(k);
  fs::create_directories(entry);
  std::ofstream(entry + "/meta.json") << "{\"version\": 1, \"ident";
  EXPECT_FALSE(cache.load(video_, params));
  cache.store(sample_clip(3), params);
  ASSERT_TRUE(cache.load(video_, params));
  EXPECT_EQ(cache.load(video_, params)->frames.size(), 3u);
  // A missing crop file invalidates the entry too.
  fs::remove(entry + "/crop_001.png");
  EXPECT_FALSE(cache.load(video_, params));
}

TEST_F(FaceCacheTest, JpegAndEmptyClips) {
  FaceCache jpeg(dir_ + "/jpeg", CacheImageFormat::jpeg, 90);
  FaceClip in = sample_clip(2);
  in.frames[0].setTo(cv::Scalar(10, 120, 200));
  jpeg.store(in, "p");
  auto out = jpeg.load(video_, "p");
  ASSERT_TRUE(out);
  EXPECT_LT(cv::norm(out->frames[0], in.frames[0], cv::NORM_INF), 8.0);
  FaceClip none;
  none.path = video_;
  none.status = ClipStatus::no_face;
  none.message = "no face";
  jpeg.store(none, "q");
  auto back = jpeg.load(video_, "q");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, ClipStatus::no_face);
  EXPECT_TRUE(back->frames.empty());
}

}  // namespace
}  // namespace dflab
