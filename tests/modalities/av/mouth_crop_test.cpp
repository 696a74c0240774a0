// mouth_crop: the box comes from the 68 landmarks' lips when the crop has them, else from the
// lower half of the face box mapped into the crop; the pixels come from that box.
#include "modalities/av/mouth_crop.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace dflab {
namespace {

// A 200 px crop of a frame box (100, 50, 400, 400): scale 0.5. The face box (200, 150, 200, 200)
// lands at (50, 50, 100, 100) in the crop; its lower half (50, 100, 100, 50) is painted green.
// A red patch (120..160, 150..170) marks where the landmark lips are.
FaceClip test_clip(bool with_landmarks) {
  FaceClip c;
  c.path = "test.mp4";
  cv::Mat crop(200, 200, CV_8UC3, cv::Scalar(255, 0, 0));
  crop(cv::Rect(50, 100, 100, 50)).setTo(cv::Scalar(0, 255, 0));
  crop(cv::Rect(120, 150, 40, 20)).setTo(cv::Scalar(0, 0, 255));
  c.frames.push_back(crop);
  c.crop_boxes.emplace_back(100.f, 50.f, 400.f, 400.f);
  c.face_boxes.emplace_back(200.f, 150.f, 200.f, 200.f);
  std::vector<cv::Point2f> pts(68, cv::Point2f(10, 10));   // far from the mouth: must be ignored
  for (int k = 48; k < 68; ++k) pts[static_cast<std::size_t>(k)] = cv::Point2f(120.f + (k % 2) * 40.f, 150.f + (k % 3 == 0) * 20.f);
  c.landmarks.push_back(with_landmarks ? pts : std::vector<cv::Point2f>{});
  return c;
}

TEST(MouthCrop, LandmarkLipsGiveTheBox) {
  MouthCropOptions o;
  o.width = 64;
  o.height = 32;
  o.margin = 1.0;
  const FaceClip clip = test_clip(true);
  const MouthCrop m = mouth_box(clip, 0, o);
  EXPECT_TRUE(m.from_landmarks);
  // Lips span 40 x 20 px around (140, 160): at 2:1 and margin 1 the box is exactly that.
  EXPECT_NEAR(m.box.x, 120, 1e-4);
  EXPECT_NEAR(m.box.y, 150, 1e-4);
  EXPECT_NEAR(m.box.width, 40, 1e-4);
  EXPECT_NEAR(m.box.height, 20, 1e-4);
  const MouthCrop cut = cut_mouth(clip, 0, o);
  ASSERT_EQ(cut.image.size(), cv::Size(64, 32));
  const cv::Scalar mean = cv::mean(cut.image(cv::Rect(4, 4, 56, 24)));
  EXPECT_GT(mean[2], 250) << "the red lips patch";
  EXPECT_LT(mean[1], 5);
  // A wide-open mouth (taller than half its width) widens the box to keep the aspect.
  o.margin = 1.5;
  FaceClip open = clip;
  for (int k = 48; k < 68; ++k) open.landmarks[0][static_cast<std::size_t>(k)].y = 140.f + (k % 3 == 0) * 40.f;
  const MouthCrop wide = mouth_box(open, 0, o);
  EXPECT_NEAR(wide.box.height, 40 * 1.5, 1e-3);
  EXPECT_NEAR(wide.box.width, 80 * 1.5, 1e-3);
}

TEST(MouthCrop, WithoutLandmarksTheLowerHalfOfTheFaceBox) {
  MouthCropOptions o;
  o.width = 50;
  o.height = 25;
  const FaceClip clip = test_clip(false);
  const MouthCrop m = cut_mouth(clip, 0, o);
  EXPECT_FALSE(m.from_landmarks);
  EXPECT_NEAR(m.box.x, 50, 1e-4);
  EXPECT_NEAR(m.box.y, 100, 1e-4);
  EXPECT_NEAR(m.box.width, 100, 1e-4);
  EXPECT_NEAR(m.box.height, 50, 1e-4);
  // Green (with the red patch inside it), no blue from outside the half face.
  const cv::Scalar mean = cv::mean(m.image);
  EXPECT_LT(mean[0], 5) << "nothing from outside the box";
  EXPECT_GT(mean[1], 150);
  // A 5-point detector's landmarks are not lips: the face box is used.
  FaceClip five = clip;
  five.landmarks[0] = std::vector<cv::Point2f>(5, cv::Point2f(1, 1));
  EXPECT_FALSE(mouth_box(five, 0, o).from_landmarks);
}

TEST(MouthCrop, BadOptionsAndIndicesAreErrors) {
  MouthCropOptions o;
  o.width = 4;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.width = 96;
  o.margin = 0.5;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EXPECT_THROW(mouth_box(test_clip(false), 3, MouthCropOptions{}), std::out_of_range);
}

}  // namespace
}  // namespace dflab
