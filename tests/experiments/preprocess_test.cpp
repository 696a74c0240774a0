#include "experiments/preprocess.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "experiments/builtin_plugins.h"
#include "experiments/experiment_data.h"
#include "modalities/av/av_cache.h"
#include "modalities/video/face_align.h"
#include "modalities/video/face_cache.h"

#include <opencv2/imgproc.hpp>

namespace dflab {
namespace {

namespace fs = std::filesystem;

bool have_ffmpeg() { return std::system("ffmpeg -version >/dev/null 2>&1") == 0; }

class PreprocessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dflab_prep_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data" / "trainset");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const fs::path& rel, const std::string& text) {
    std::ofstream(dir_ / rel, std::ios::binary) << text;
    return (dir_ / rel).string();
  }
  // data/trainset: a.mp4 with video and an audio tone at `audio_rate` Hz (no face), b.mp4 video
  // only, c.mp4 not a video at all; listed with labels 0, 1, 1. Needs the ffmpeg CLI.
  void write_three_clips(int audio_rate) {
    const std::string ff = "ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=96x64:rate=25 ";
    ASSERT_EQ(std::system((ff + "-f lavfi -i sine=sample_rate=" + std::to_string(audio_rate) +
                           " -t 1 -c:v libx264 -pix_fmt yuv420p -c:a aac " + (dir_ / "data/trainset/a.mp4").string())
                              .c_str()),
              0);
    ASSERT_EQ(std::system((ff + "-t 1 -c:v libx264 -pix_fmt yuv420p " + (dir_ / "data/trainset/b.mp4").string()).c_str()), 0);
    write("data/trainset/c.mp4", "garbage, not a video");
    write("data/trainset_label.txt", "video_name,target\na.mp4,0\nb.mp4,1\nc.mp4,1\n");
  }
  // The first ffdv-sample training clip of ../shared, linked as data/trainset/a.mp4 with `label`,
  // for the landmark tests; "" when it can run, else why it must stop.
  std::string link_first_shared_clip_with_landmarks(int label) {
    const fs::path clips = fs::path(DFLAB_SHARED_DIR) / "data" / "ffdv-sample" / "trainset";
    if (!fs::is_directory(clips)) return clips.string() + " is missing";
    if (!fs::exists(kDlibLandmarkModel)) return std::string("libdlib-data missing: ") + kDlibLandmarkModel;
    std::vector<fs::path> mp4;
    for (const auto& e : fs::directory_iterator(clips))
      if (e.path().extension() == ".mp4") mp4.push_back(e.path());
    if (mp4.empty()) {
      ADD_FAILURE() << "no .mp4 in " << clips;   // the folder is there: an empty one is a failure, not a skip
      return "no .mp4 in " + clips.string();
    }
    std::sort(mp4.begin(), mp4.end());
    fs::create_symlink(mp4[0], dir_ / "data" / "trainset" / "a.mp4");
    write("data/trainset_label.txt", "video_name,target\na.mp4," + std::to_string(label) + "\n");
    return "";
  }
  fs::path dir_;
};

TEST_F(PreprocessTest, RecordsEveryOutcomeAndReusesTheCache) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not available to make test clips";
  // a.mp4: video + audio, no face; b.mp4: video only; c.mp4: not a video at all.
  write_three_clips(22050);
  if (HasFatalFailure()) return;
  const std::string exp_path = write("exp.toml",
      "[experiment]\nname = \"prep\"\nwork_dir = \"work\"\nthreads = 2\n"
      "[data]\nformat = \"ffdv\"\nroot = \"data\"\nval_fraction = 0.0\n"
      "[video]\nsampling = { frames = 4 }\ndetector = { plugin = \"lbp\" }\ncrop = { size = 32 }\n"
      "[audio]\nfeature = { plugin = \"mel\", n_mels = 32 }\n");
  Registry reg = builtin_registry();
  const ExperimentConfig exp = load_experiment(exp_path, reg);
  const Dataset ds = load_experiment_dataset(exp);
  ASSERT_EQ(ds.items.size(), 3u);

  std::size_t calls = 0;
  PreprocessOptions opt;
  opt.on_progress = [&](std::size_t done, std::size_t total, const VideoPrep&) {
    ++calls;
    EXPECT_EQ(total, 3u);
    EXPECT_EQ(done, calls);
  };
  const PreprocessReport first = preprocess(exp, ds, reg, opt);
  ASSERT_EQ(first.videos.size(), 3u);
  EXPECT_EQ(calls, 3u);
  EXPECT_EQ(first.videos[0].id, "a.mp4");
  EXPECT_EQ(first.videos[0].video_status, "no_face") << "a test pattern has no face: centre crop fallback";
  EXPECT_EQ(first.videos[0].audio_status, "ok");
  EXPECT_EQ(first.videos[1].video_status, "no_face");
  EXPECT_EQ(first.videos[1].audio_status, "no_audio_stream");
  EXPECT_EQ(first.videos[2].video_status, "failed");
  EXPECT_NE(first.videos[2].video_message.find("c.mp4"), std::string::npos) << first.videos[2].video_message;
  EXPECT_EQ(first.videos[2].audio_status, "unreadable");
  EXPECT_TRUE(fs::is_directory(dir_ / "work" / "cache" / "faces"));
  EXPECT_FALSE(first.videos[0].video_from_cache);

  const PreprocessReport second = preprocess(exp, ds, reg);
  EXPECT_TRUE(second.videos[0].video_from_cache);
  EXPECT_TRUE(second.videos[0].audio_from_cache);
  EXPECT_EQ(second.videos[0].video_status, "no_face") << "status comes back from the cache";

  // Rewriting a file invalidates only its own entries.
  fs::last_write_time(dir_ / "data/trainset/a.mp4", fs::file_time_type::clock::now() + std::chrono::seconds(5));
  const PreprocessReport third = preprocess(exp, ds, reg);
  EXPECT_FALSE(third.videos[0].video_from_cache);
  EXPECT_FALSE(third.videos[0].audio_from_cache);
  EXPECT_TRUE(third.videos[1].video_from_cache);
}

TEST_F(PreprocessTest, OnErrorStopEndsAtTheFirstUnreadableVideoKeepingWhatIsDone) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not available to make test clips";
  const std::string ff = "ffmpeg -nostdin -v error -y -f lavfi -i testsrc=size=96x64:rate=25 "
                         "-f lavfi -i sine=sample_rate=22050 -t 1 -c:v libx264 -pix_fmt yuv420p -c:a aac ";
  // a.mp4 and c.mp4 decode; b.mp4 is not a video. One thread: a, then b stops the stage, c is never read.
  ASSERT_EQ(std::system((ff + (dir_ / "data/trainset/a.mp4").string()).c_str()), 0);
  write("data/trainset/b.mp4", "garbage, not a video");
  ASSERT_EQ(std::system((ff + (dir_ / "data/trainset/c.mp4").string()).c_str()), 0);
  write("data/trainset_label.txt", "video_name,target\na.mp4,0\nb.mp4,1\nc.mp4,1\n");
  const std::string toml =
      "[experiment]\nname = \"prep\"\nwork_dir = \"work\"\nthreads = 1\n"
      "[data]\nformat = \"ffdv\"\nroot = \"data\"\nval_fraction = 0.0\non_error = \"stop\"\n"
      "[video]\nsampling = { frames = 2 }\ndetector = { plugin = \"lbp\" }\ncrop = { size = 32 }\n"
      "[audio]\nfeature = { plugin = \"mel\", n_mels = 32 }\n";
  Registry reg = builtin_registry();
  const ExperimentConfig exp = load_experiment(write("exp.toml", toml), reg);
  const Dataset ds = load_experiment_dataset(exp);
  ASSERT_EQ(ds.items.size(), 3u);
  std::vector<std::string> seen;
  PreprocessOptions opt;
  opt.on_progress = [&](std::size_t, std::size_t, const VideoPrep& v) { seen.push_back(v.id); };
  try {
    preprocess(exp, ds, reg, opt);
    FAIL() << "on_error = \"stop\" went past an unreadable video";
  } catch (const PreprocessStopped& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((dir_ / "data/trainset/b.mp4").string() + ": cannot read this video"), std::string::npos) << what;
    EXPECT_NE(what.find("after 2 of 3 videos"), std::string::npos) << what;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a.mp4", "b.mp4"}));

  // What was done before the stop is kept: the same experiment with "skip" reads a.mp4 from the cache.
  const ExperimentConfig skip = load_experiment(write("skip.toml", std::string(toml).replace(toml.find("\"stop\""), 6, "\"skip\"")), reg);
  const PreprocessReport r = preprocess(skip, load_experiment_dataset(skip), reg);
  EXPECT_TRUE(r.videos[0].video_from_cache);
  EXPECT_TRUE(r.videos[0].audio_from_cache);
  EXPECT_EQ(r.videos[1].video_status, "failed");
  EXPECT_FALSE(r.videos[2].video_from_cache) << "c.mp4 was never started";
  EXPECT_EQ(r.videos[2].video_status, "no_face");
}

// [av]: each video's audio-visual samples are made beside its face crops, an audio-less or
// unreadable video is recorded with a message naming it, and a second run reads the av cache.
TEST_F(PreprocessTest, AvSamplesAreRecordedPerVideoAndCached) {
  if (!have_ffmpeg()) GTEST_SKIP() << "the ffmpeg CLI is not available to make test clips";
  write_three_clips(16000);
  if (HasFatalFailure()) return;
  const std::string exp_path = write("exp.toml",
      "[experiment]\nname = \"prep\"\nwork_dir = \"work\"\nthreads = 2\n"
      "[data]\nformat = \"ffdv\"\nroot = \"data\"\nval_fraction = 0.0\n"
      "[video]\nsampling = { frames = 6 }\ndetector = { plugin = \"lbp\" }\ncrop = { size = 48, landmarks = \"detector\" }\n"
      "[audio]\nenabled = false\n"
      "[av]\nmouth_width = 24\nmouth_height = 12\nwindow_s = 0.2\nstack = 3\n"
      "feature = { plugin = \"mfcc\", sample_rate = 16000, n_mfcc = 13, n_fft = 512, hop_length = 160, n_mels = 40 }\n");
  Registry reg = builtin_registry();
  const ExperimentConfig exp = load_experiment(exp_path, reg);
  const Dataset ds = load_experiment_dataset(exp);
  const PreprocessReport first = preprocess(exp, ds, reg);
  ASSERT_EQ(first.videos.size(), 3u);
  EXPECT_EQ(first.av_cache_dir, (dir_ / "work/cache/av").string());
  EXPECT_EQ(first.videos[0].av_status, "no_face") << "centre crops of a test pattern: " << first.videos[0].av_message;
  EXPECT_EQ(first.videos[1].av_status, "no_audio");
  EXPECT_NE(first.videos[1].av_message.find("b.mp4"), std::string::npos) << first.videos[1].av_message;
  EXPECT_EQ(first.videos[2].av_status, "failed");
  EXPECT_NE(first.videos[2].av_message.find("c.mp4"), std::string::npos) << first.videos[2].av_message;
  EXPECT_FALSE(first.videos[0].av_from_cache);

  AvCache cache(first.av_cache_dir);
  const auto feature = reg.create<AudioFeature>(kind::audio_feature, "mfcc", exp.av_feature.params);
  const std::optional<AvClip> a = cache.load(ds.items[0].path, av_cache_params(exp, *feature));
  ASSERT_TRUE(a);
  ASSERT_EQ(a->mouths.size(), 6u);
  EXPECT_EQ(a->mouths[0].size(), cv::Size(24, 12));
  EXPECT_EQ(a->audio[0].n_rows, 13);
  EXPECT_EQ(a->audio[0].n_cols, 21) << "0.2 s at hop 160, centred frames";
  EXPECT_EQ(a->window_samples, 3200);

  const PreprocessReport second = preprocess(exp, ds, reg);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(second.videos[i].av_from_cache) << i;
    EXPECT_EQ(second.videos[i].av_status, first.videos[i].av_status) << i;
    EXPECT_EQ(second.videos[i].av_message, first.videos[i].av_message) << i;
  }
}

TEST_F(PreprocessTest, RealFfdvSamplesAllGiveFacesAndAudio) {
  const fs::path root = fs::path(DFLAB_SHARED_DIR) / "data" / "ffdv-sample";
  if (!fs::is_directory(root)) GTEST_SKIP() << root << " is missing";
  const std::string exp_path = write("exp.toml",
      "[experiment]\nname = \"real\"\nwork_dir = \"work\"\n"
      "[data]\nformat = \"ffdv\"\nroot = \"" + root.string() + "\"\n"
      "[video]\nsampling = { frames = 2 }\ncrop = { size = 64 }\n"
      "[audio]\nfeature = { plugin = \"mel\" }\n");
  Registry reg = builtin_registry();
  const ExperimentConfig exp = load_experiment(exp_path, reg);
  EXPECT_EQ(exp.detector.plugin, "dlib_hog") << "the default detector";
  const PreprocessReport r = preprocess(exp, load_experiment_dataset(exp), reg);
  ASSERT_EQ(r.videos.size(), 10u);
  EXPECT_EQ(r.count_video("ok"), 10u);
  EXPECT_EQ(r.count_audio("ok"), 10u);
}

// [video] crop.align: preprocessing aligns the crops on dlib's 68 landmarks, under a cache key of
// its own, so aligned and unaligned crops of one video never stand in for each other.
TEST_F(PreprocessTest, AlignMakesAlignedCropsUnderTheirOwnCacheKey) {
  if (const std::string why = link_first_shared_clip_with_landmarks(1); !why.empty()) GTEST_SKIP() << why;
  auto toml = [&](bool align) {
    return write(std::string("exp_") + (align ? "on" : "off") + ".toml",
                 "[experiment]\nname = \"align\"\nwork_dir = \"work\"\nthreads = 1\n"
                 "[data]\nformat = \"ffdv\"\nroot = \"data\"\nval_fraction = 0.0\n"
                 "[video]\nsampling = { frames = 2 }\ncrop = { size = 64, align = " +
                     std::string(align ? "true" : "false") + " }\n");
  };
  Registry reg = builtin_registry();
  const ExperimentConfig off = load_experiment(toml(false), reg);
  const ExperimentConfig on = load_experiment(toml(true), reg);
  EXPECT_TRUE(face_extract_options(on).align);
  const std::string key_off = face_cache_params(off), key_on = face_cache_params(on);
  EXPECT_NE(key_off, key_on);
  EXPECT_NE(key_on.find("align=dlib68"), std::string::npos) << key_on;
  EXPECT_NE(key_off.find("align=none"), std::string::npos) << key_off;

  const Dataset ds = load_experiment_dataset(off);
  ASSERT_EQ(ds.items.size(), 1u);
  ASSERT_EQ(preprocess(off, ds, reg).videos[0].video_status, "ok");
  const PreprocessReport r = preprocess(on, ds, reg);   // same work_dir: the unaligned entry is there
  ASSERT_EQ(r.videos[0].video_status, "ok") << r.videos[0].video_message;
  EXPECT_FALSE(r.videos[0].video_from_cache) << "aligned crops must not come from the unaligned entry";

  const FaceCache cache(cache_dir(on, "faces"));
  const std::optional<FaceClip> plain = cache.load(ds.items[0].path, key_off);
  const std::optional<FaceClip> aligned = cache.load(ds.items[0].path, key_on);
  ASSERT_TRUE(plain && aligned);
  ASSERT_EQ(plain->frames.size(), 2u);
  ASSERT_EQ(aligned->frames.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_GT(cv::norm(plain->frames[i], aligned->frames[i], cv::NORM_L1) / (64.0 * 64 * 3), 2.0)
        << "crop " << i << " is the same aligned or not";
    // Aligned: the 68 landmarks, eyes on the template's places (face_align.h).
    ASSERT_EQ(aligned->landmarks[i].size(), 68u);
    cv::Point2f l(0, 0), rt(0, 0);
    for (int k = 0; k < 6; ++k) {
      l += aligned->landmarks[i][36 + k];
      rt += aligned->landmarks[i][42 + k];
    }
    EXPECT_NEAR(l.x / 6, kTemplateLeftEyeX * 64, 1.0);
    EXPECT_NEAR(rt.x / 6, kTemplateRightEyeX * 64, 1.0);
    EXPECT_NEAR(l.y / 6, rt.y / 6, 1.0);
  }
}

// A video model with self_blend makes the (unaligned) crops carry dlib's 68 landmarks in crop
// pixels (crop.landmarks = "auto"), under a cache key of their own: entries made before, without
// them, miss. The crops themselves are the plain ones.
TEST_F(PreprocessTest, BlendingModelsCacheDlibLandmarksWithUnalignedCrops) {
  if (const std::string why = link_first_shared_clip_with_landmarks(0); !why.empty()) GTEST_SKIP() << why;
  auto toml = [&](const std::string& augment) {
    return write("exp_" + std::to_string(augment.size()) + ".toml",
                 "[experiment]\nname = \"lm\"\nwork_dir = \"work\"\nthreads = 1\n"
                 "[data]\nformat = \"ffdv\"\nroot = \"data\"\nval_fraction = 0.0\n"
                 "[video]\nsampling = { frames = 2 }\ncrop = { size = 64 }\n"
                 "[[models]]\nname = \"v\"\nplugin = \"meso4\"\nmodality = \"video\"\naugment = [" + augment + "]\n");
  };
  Registry reg = builtin_registry();
  const ExperimentConfig off = load_experiment(toml("{ plugin = \"hflip\" }"), reg);
  const ExperimentConfig on = load_experiment(toml("{ plugin = \"self_blend\" }"), reg);
  EXPECT_FALSE(face_extract_options(off).landmarks68);
  EXPECT_TRUE(face_extract_options(on).landmarks68);
  const std::string key_off = face_cache_params(off), key_on = face_cache_params(on);
  EXPECT_EQ(key_off.find("landmarks="), std::string::npos) << "keys of caches made before the option stay: " << key_off;
  EXPECT_NE(key_on.find("landmarks=dlib68"), std::string::npos) << key_on;

  const Dataset ds = load_experiment_dataset(off);
  ASSERT_EQ(preprocess(off, ds, reg).videos[0].video_status, "ok");
  const PreprocessReport r = preprocess(on, ds, reg);
  ASSERT_EQ(r.videos[0].video_status, "ok") << r.videos[0].video_message;
  EXPECT_FALSE(r.videos[0].video_from_cache) << "the entry without landmarks must miss";

  const FaceCache cache(cache_dir(on, "faces"));
  const std::optional<FaceClip> plain = cache.load(ds.items[0].path, key_off);
  const std::optional<FaceClip> marked = cache.load(ds.items[0].path, key_on);
  ASSERT_TRUE(plain && marked);
  ASSERT_EQ(marked->frames.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(cv::norm(plain->frames[i], marked->frames[i], cv::NORM_INF), 0.0) << "crop " << i << " is not the plain crop";
    ASSERT_EQ(marked->landmarks[i].size(), 68u) << "crop " << i;
    // The face outline lies in the crop, around its centre (the crop is the face box x 1.3).
    const cv::Rect box = cv::boundingRect(marked->landmarks[i]);
    EXPECT_GT(box.width, 64 / 3) << "crop " << i;
    EXPECT_TRUE((cv::Rect(-4, -4, 72, 72) & box) == box) << "crop " << i << ": " << box;
    EXPECT_NEAR(box.x + box.width / 2.0, 32.0, 10.0) << "crop " << i;
  }
}

}  // namespace
}  // namespace dflab
