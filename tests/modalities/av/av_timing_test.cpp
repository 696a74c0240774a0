// av_timing: the audio sample of a frame's pts, the window around it, zero fill and coverage.
#include "modalities/av/av_timing.h"

#include <gtest/gtest.h>

namespace dflab {
namespace {

TEST(AvTiming, FrameTimeMapsToTheAudioSampleOnTheSameTimeline) {
  const AvTiming in_sync{0.0, 0.0, 16000};
  EXPECT_EQ(audio_sample_at(in_sync, 0.0), 0);
  EXPECT_EQ(audio_sample_at(in_sync, 0.04), 640);        // frame 1 at 25 fps
  EXPECT_EQ(audio_sample_at(in_sync, 1.0 / 3.0), 5333);  // rounded, not truncated
  // Audio that starts 0.4 s late: a frame at 1 s hears sample 0.6 s into the track.
  const AvTiming late{0.0, 0.4, 16000};
  EXPECT_EQ(audio_sample_at(late, 1.0), 9600);
  EXPECT_EQ(audio_sample_at(late, 0.1), -4800) << "before the track starts";
  // A video stream that starts at 1.5 s on the container timeline (its timestamps count from there).
  const AvTiming video_late{1.5, 0.0, 8000};
  EXPECT_EQ(audio_sample_at(video_late, 0.5), 16000);
  EXPECT_EQ(audio_window_start(in_sync, 1.0, 3200), 16000 - 1600);
  EXPECT_EQ(audio_window_start(in_sync, 1.0, 3201), 16000 - 1600);
  EXPECT_THROW(audio_sample_at(AvTiming{0, 0, 0}, 1.0), std::invalid_argument);
}

TEST(AvTiming, WindowsOutsideTheTrackAreZeroFilled) {
  const std::vector<float> s = {1, 2, 3, 4, 5};
  EXPECT_EQ(audio_window(s, 1, 3), (std::vector<float>{2, 3, 4}));
  EXPECT_EQ(audio_window(s, -2, 4), (std::vector<float>{0, 0, 1, 2}));
  EXPECT_EQ(audio_window(s, 3, 4), (std::vector<float>{4, 5, 0, 0}));
  EXPECT_EQ(audio_window(s, 9, 2), (std::vector<float>{0, 0}));
  EXPECT_EQ(audio_window(s, -9, 2), (std::vector<float>{0, 0}));
  EXPECT_DOUBLE_EQ(window_coverage(1, 3, 5), 1.0);
  EXPECT_DOUBLE_EQ(window_coverage(-2, 4, 5), 0.5);
  EXPECT_DOUBLE_EQ(window_coverage(3, 4, 5), 0.5);
  EXPECT_DOUBLE_EQ(window_coverage(9, 2, 5), 0.0);
}

}  // namespace
}  // namespace dflab
