#include "modalities/video/face_crop.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace dflab {
namespace {

cv::Mat gradient(int w, int h) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(x % 256, y % 256, (x + y) % 256);
  return m;
}

TEST(FaceCropTest, SquareBoxKeepsCentreAndScalesLongerSide) {
  cv::Rect2f b = square_box({10, 20, 40, 60}, 1.5f);
  EXPECT_FLOAT_EQ(b.width, 90);
  EXPECT_FLOAT_EQ(b.height, 90);
  EXPECT_FLOAT_EQ(b.x + b.width / 2, 30);
  EXPECT_FLOAT_EQ(b.y + b.height / 2, 50);
  cv::Rect2f c = centre_box({640, 480});
  EXPECT_EQ(c, cv::Rect2f(80, 0, 480, 480));
}

TEST(FaceCropTest, InsideCropIsThePixels) {
  cv::Mat img = gradient(100, 80);
  cv::Mat crop = crop_square(img, {10, 12, 20, 20}, 20);
  ASSERT_EQ(crop.size(), cv::Size(20, 20));
  EXPECT_EQ(cv::norm(crop, img(cv::Rect(10, 12, 20, 20)), cv::NORM_INF), 0.0);
  cv::Mat small = crop_square(img, {0, 0, 40, 40}, 10);
  EXPECT_EQ(small.size(), cv::Size(10, 10));
}

TEST(FaceCropTest, BorderIsPaddedNotShifted) {
  cv::Mat white(100, 100, CV_8UC3, cv::Scalar::all(255));
  cv::Mat crop = crop_square(white, {-10, -10, 40, 40}, 40);
  ASSERT_EQ(crop.size(), cv::Size(40, 40));
  EXPECT_EQ(cv::norm(crop(cv::Rect(0, 0, 10, 40)), cv::NORM_INF), 0.0);     // padded left strip
  EXPECT_EQ(cv::norm(crop(cv::Rect(0, 0, 40, 10)), cv::NORM_INF), 0.0);     // padded top strip
  EXPECT_EQ(cv::mean(crop(cv::Rect(10, 10, 30, 30)))[0], 255.0);          // the image part
  cv::Mat rep = crop_square(white, {-10, -10, 40, 40}, 40, CropBorder::replicate);
  EXPECT_EQ(cv::mean(rep)[0], 255.0);
  cv::Mat outside = crop_square(white, {500, 500, 20, 20}, 16);
  EXPECT_EQ(cv::norm(outside, cv::NORM_INF), 0.0);
}

TEST(FaceCropTest, LandmarksFollowTheCrop) {
  auto pts = to_crop_coords({{20, 20}, {10, 10}}, {10, 10, 20, 20}, 40);
  EXPECT_FLOAT_EQ(pts[0].x, 20);
  EXPECT_FLOAT_EQ(pts[0].y, 20);
  EXPECT_FLOAT_EQ(pts[1].x, 0);
  // A bright dot at a landmark lands where to_crop_coords says.
  cv::Mat img(200, 200, CV_8UC3, cv::Scalar::all(0));
  cv::circle(img, {130, 70}, 2, cv::Scalar::all(255), -1);
  const cv::Rect2f box = square_box({100, 40, 60, 60}, 1.4f);
  cv::Mat crop = crop_square(img, box, 112);
  auto p = to_crop_coords({{130, 70}}, box, 112)[0];
  cv::Point max_loc;
  cv::Mat gray;
  cv::extractChannel(crop, gray, 0);
  cv::minMaxLoc(gray, nullptr, nullptr, nullptr, &max_loc);
  EXPECT_NEAR(max_loc.x, p.x, 2.0);
  EXPECT_NEAR(max_loc.y, p.y, 2.0);
}

TEST(FaceCropTest, BadArguments) {
  cv::Mat img = gradient(10, 10);
  EXPECT_THROW(crop_square(cv::Mat(), {0, 0, 5, 5}, 8), std::invalid_argument);
  EXPECT_THROW(crop_square(img, {0, 0, 0, 5}, 8), std::invalid_argument);
  CropOptions o;
  o.margin = 0.5f;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.margin = 1.3f;
  EXPECT_EQ(o.canonical(), "size=224;margin=1.3;border=constant");
}

}  // namespace
}  // namespace dflab
