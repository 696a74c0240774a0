#include "modalities/video/face_tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace dflab {
namespace {

FaceDetection det(float x, float y, float w, float h, float score = 0.9f) {
  FaceDetection d;
  d.box = cv::Rect2f(x, y, w, h);
  d.score = score;
  return d;
}

TEST(FaceTrackerTest, IouOfKnownBoxes) {
  EXPECT_FLOAT_EQ(iou({0, 0, 10, 10}, {0, 0, 10, 10}), 1.0f);
  EXPECT_FLOAT_EQ(iou({0, 0, 10, 10}, {5, 0, 10, 10}), 50.0f / 150.0f);
  EXPECT_FLOAT_EQ(iou({0, 0, 10, 10}, {20, 20, 5, 5}), 0.0f);
}

TEST(FaceTrackerTest, InterpolatesMissedFramesLinearly) {
  // A face moving 4 px right per frame, missed at frames 3 and 4.
  std::vector<std::vector<FaceDetection>> frames(8);
  for (int i = 0; i < 8; ++i)
    if (i != 3 && i != 4) frames[i] = {det(100.0f + 4 * i, 50, 60, 60)};
  TrackerOptions opt;
  opt.smooth_window = 1;
  auto tracks = track_faces(frames, opt);
  ASSERT_EQ(tracks.size(), 1u);
  const FaceTrack& t = tracks[0];
  EXPECT_EQ(t.first(), 0);
  EXPECT_EQ(t.last(), 7);
  EXPECT_EQ(t.n_detected, 6);
  ASSERT_EQ(t.boxes.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_NEAR(t.at(i)->box.x, 100.0f + 4 * i, 1e-4) << i;
    EXPECT_EQ(t.at(i)->interpolated, i == 3 || i == 4);
  }
  EXPECT_EQ(t.at(3)->score, 0.0f);
  EXPECT_EQ(t.at(8), nullptr);
  // Smoothing a straight-line motion leaves it where it is.
  auto smoothed = track_faces(frames);
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(smoothed[0].at(i)->box.x, 100.0f + 4 * i, 1e-3);
}

TEST(FaceTrackerTest, SmoothingReducesJitter) {
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 3.0f);
  std::vector<std::vector<FaceDetection>> frames(40);
  for (auto& f : frames) f = {det(200 + noise(rng), 100 + noise(rng), 80, 80)};
  TrackerOptions opt;
  opt.smooth_window = 5;
  auto tracks = track_faces(frames, opt);
  ASSERT_EQ(tracks.size(), 1u);
  double raw = 0, smooth = 0;
  for (const auto& b : tracks[0].boxes) {
    raw += std::pow(b.raw_box.x - 200, 2);
    smooth += std::pow(b.box.x - 200, 2);
  }
  EXPECT_LT(smooth, raw * 0.5);
}

TEST(FaceTrackerTest, SeveralPeopleSeveralTracksMainFirst) {
  // Left person in every frame; right person (bigger) in 5 of 8; one false positive.
  std::vector<std::vector<FaceDetection>> frames(8);
  for (int i = 0; i < 8; ++i) {
    frames[i].push_back(det(300 + i, 100, 120, 120));   // right, listed first
    frames[i].push_back(det(50 + i, 80, 60, 60));
    if (i >= 5) frames[i].erase(frames[i].begin());
  }
  frames[2].push_back(det(600, 400, 30, 30));
  auto tracks = track_faces(frames);
  ASSERT_EQ(tracks.size(), 3u);
  EXPECT_EQ(tracks[0].n_detected, 8);
  EXPECT_NEAR(tracks[0].boxes[0].raw_box.x, 50, 1e-4);    // the longest is the main track
  EXPECT_EQ(tracks[1].n_detected, 5);
  EXPECT_NEAR(tracks[1].boxes[0].raw_box.x, 300, 1e-4);
  EXPECT_EQ(tracks[2].n_detected, 1);

  TrackerOptions opt;
  opt.min_detections = 2;
  EXPECT_EQ(track_faces(frames, opt).size(), 2u);
}

TEST(FaceTrackerTest, EqualLengthLargerWins) {
  std::vector<std::vector<FaceDetection>> frames(4);
  for (auto& f : frames) f = {det(0, 0, 40, 40), det(200, 0, 90, 90)};
  auto tracks = track_faces(frames);
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_NEAR(tracks[0].mean_area, 8100.0f, 1e-2);
}

TEST(FaceTrackerTest, LongGapStartsANewTrack) {
  std::vector<std::vector<FaceDetection>> frames(12);
  frames[0] = frames[1] = {det(10, 10, 50, 50)};
  frames[9] = frames[10] = {det(10, 10, 50, 50)};   // 7 frames missed > max_gap 4
  auto tracks = track_faces(frames);
  ASSERT_EQ(tracks.size(), 2u);
  EXPECT_EQ(tracks[0].boxes.size(), 2u);
  TrackerOptions lenient;
  lenient.max_gap = 8;
  auto one = track_faces(frames, lenient);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].boxes.size(), 11u);
}

TEST(FaceTrackerTest, EnclosingBoxAndBadUse) {
  std::vector<std::vector<FaceDetection>> frames = {{det(10, 20, 30, 30)}, {det(14, 22, 30, 30)}};
  TrackerOptions opt;
  opt.smooth_window = 1;
  auto t = track_faces(frames, opt);
  ASSERT_EQ(t.size(), 1u);
  cv::Rect2f e = t[0].enclosing_box();
  EXPECT_FLOAT_EQ(e.x, 10);
  EXPECT_FLOAT_EQ(e.y, 20);
  EXPECT_FLOAT_EQ(e.width, 34);
  EXPECT_FLOAT_EQ(e.height, 32);

  FaceTracker tr;
  tr.update(3, {});
  EXPECT_THROW(tr.update(3, {}), std::invalid_argument);
  opt.smooth_window = 4;
  EXPECT_THROW(FaceTracker{opt}, std::invalid_argument);
  EXPECT_TRUE(track_faces({}).empty());
}

}  // namespace
}  // namespace dflab
