#include "modalities/video/detectors/nms.h"

#include <gtest/gtest.h>

namespace dflab {
namespace {

FaceDetection det(float x, float y, float w, float h, float score) {
  return {cv::Rect2f(x, y, w, h), score, {}};
}

TEST(BoxOverlap, IouAndMinOfHandComputedCases) {
  const cv::Rect2f a(0, 0, 10, 10), b(5, 0, 10, 10);   // intersection 50, union 150
  EXPECT_FLOAT_EQ(box_overlap(a, b), 50.0f / 150.0f);
  EXPECT_FLOAT_EQ(box_overlap(a, b, Overlap::min), 0.5f);
  const cv::Rect2f inner(2, 2, 4, 4);                  // inside a: IoU 16/100, Min 1
  EXPECT_FLOAT_EQ(box_overlap(a, inner), 0.16f);
  EXPECT_FLOAT_EQ(box_overlap(a, inner, Overlap::min), 1.0f);
  EXPECT_FLOAT_EQ(box_overlap(a, a), 1.0f);
  EXPECT_FLOAT_EQ(box_overlap(a, cv::Rect2f(10, 0, 5, 5)), 0.0f);   // touching edges
  EXPECT_FLOAT_EQ(box_overlap(a, cv::Rect2f(3, 3, 0, 4)), 0.0f);    // empty box
}

TEST(Nms, KeepsBestOfEachClusterSortedByScore) {
  const std::vector<cv::Rect2f> boxes = {
      {0, 0, 10, 10}, {1, 1, 10, 10}, {50, 50, 10, 10}, {51, 50, 10, 10}, {100, 0, 5, 5}};
  const std::vector<float> scores = {0.6f, 0.9f, 0.7f, 0.8f, 0.1f};
  const std::vector<std::size_t> kept = nms_indices(boxes, scores, 0.3f);
  EXPECT_EQ(kept, (std::vector<std::size_t>{1, 3, 4}));
}

TEST(Nms, ThresholdIsStrict) {
  // IoU exactly 1/3: kept at max_overlap 1/3 (only > drops), dropped just below.
  const std::vector<cv::Rect2f> boxes = {{0, 0, 10, 10}, {5, 0, 10, 10}};
  const std::vector<float> scores = {0.9f, 0.8f};
  EXPECT_EQ(nms_indices(boxes, scores, 1.0f / 3.0f + 1e-6f).size(), 2u);
  EXPECT_EQ(nms_indices(boxes, scores, 0.33f).size(), 1u);
}

TEST(Nms, MinModeRemovesNestedBoxIouKeeps) {
  std::vector<FaceDetection> dets = {det(0, 0, 100, 100, 0.9f), det(30, 30, 20, 20, 0.8f)};
  EXPECT_EQ(nms(dets, 0.7f, Overlap::iou).size(), 2u);
  const auto kept = nms(dets, 0.7f, Overlap::min);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FLOAT_EQ(kept[0].score, 0.9f);
}

TEST(Nms, EmptyAndMismatchedInput) {
  EXPECT_TRUE(nms({}, 0.3f).empty());
  EXPECT_THROW(nms_indices({{0, 0, 1, 1}}, {}, 0.3f), std::invalid_argument);
}

TEST(WeightedNms, AveragesBoxesAndLandmarksByScore) {
  FaceDetection a = det(0, 0, 10, 10, 0.75f);
  FaceDetection b = det(2, 0, 10, 10, 0.25f);   // IoU 80/120 with a
  FaceDetection far = det(100, 100, 10, 10, 0.5f);
  a.landmarks = {{0, 0}};
  b.landmarks = {{4, 8}};
  far.landmarks = {{105, 105}};
  const auto out = weighted_nms({b, far, a}, 0.3f);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].score, 0.75f);                      // the top box's score
  EXPECT_FLOAT_EQ(out[0].box.x, 0.75f * 0 + 0.25f * 2);      // 0.5
  EXPECT_FLOAT_EQ(out[0].box.width, 10.0f);
  EXPECT_FLOAT_EQ(out[0].landmarks[0].x, 1.0f);
  EXPECT_FLOAT_EQ(out[0].landmarks[0].y, 2.0f);
  EXPECT_FLOAT_EQ(out[1].box.x, 100.0f);                     // alone: unchanged
  EXPECT_FLOAT_EQ(out[1].landmarks[0].x, 105.0f);
}

}  // namespace
}  // namespace dflab
