// RunStore::log_videos / videos(): per-video preprocessing outcomes of an experiment (schema v4).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "experiments/store/run_store.h"
#include "tests/experiments/store/temp_dir.h"

namespace dflab::store {
namespace {

using testing::TempDir;

TEST(RunStoreVideos, UpsertsAndReadsBackBySplitAndVideo) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const ExperimentId exp = s.experiment("exp");
  const ExperimentId other = s.experiment("other");
  s.log_videos(exp, {{"b.mp4", "val", 1, "no_face", "no face track in 16 frames", "ok", "", ""},
                     {"a.mp4", "val", 0, "ok", "", "no_audio_stream", "no audio stream", "/cache/a/crop_000.png", "gen_a"},
                     {"t.mp4", "test", std::nullopt, "ok", "", "ok", "", ""}});
  s.log_videos(other, {{"a.mp4", "val", 1, "failed", "truncated", "off", "", ""}});

  auto all = s.videos(exp);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].split, "test");   // by split, then video
  EXPECT_FALSE(all[0].label.has_value());
  EXPECT_EQ(all[1].video, "a.mp4");
  EXPECT_EQ(all[1].audio_status, "no_audio_stream");
  EXPECT_EQ(all[1].audio_message, "no audio stream");
  EXPECT_EQ(all[1].thumbnail, "/cache/a/crop_000.png");
  EXPECT_EQ(all[1].source, "gen_a");
  EXPECT_EQ(all[2].source, "") << "no source given";
  EXPECT_EQ(all[2].video, "b.mp4");
  EXPECT_EQ(all[2].video_status, "no_face");
  EXPECT_EQ(*all[2].label, 1);

  // Re-logging (a resumed run) updates in place.
  s.log_videos(exp, {{"b.mp4", "val", 1, "ok", "", "ok", "", "/cache/b/crop_000.png", "gen_b"}});
  auto val = s.videos(exp, "val");
  ASSERT_EQ(val.size(), 2u);
  EXPECT_EQ(val[1].video_status, "ok");
  EXPECT_EQ(val[1].thumbnail, "/cache/b/crop_000.png");
  EXPECT_EQ(val[1].source, "gen_b");
  {
    Database raw(s.path(), SQLITE_OPEN_READONLY);
    EXPECT_EQ(raw.query_text("SELECT count(*) FROM videos"), "4");
  }
  ASSERT_EQ(s.videos(other).size(), 1u);
  EXPECT_EQ(s.videos(other)[0].video_message, "truncated");
}

TEST(RunStoreVideos, RejectsBadInputWithoutWriting) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const ExperimentId exp = s.experiment("exp");
  EXPECT_THROW(s.log_videos(exp + 100, {{"a.mp4", "val", 0, "ok", "", "ok", "", ""}}), StoreError);
  EXPECT_THROW(s.log_videos(exp, {{"a.mp4", "val", 0, "ok", "", "ok", "", ""},
                                  {"b.mp4", "val", 3, "ok", "", "ok", "", ""}}),
               StoreError);
  EXPECT_THROW(s.log_videos(exp, {{"", "val", 0, "ok", "", "ok", "", ""}}), StoreError);
  EXPECT_TRUE(s.videos(exp).empty());   // the failed batch wrote nothing
}

}  // namespace
}  // namespace dflab::store
