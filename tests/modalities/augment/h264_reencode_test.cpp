#include "modalities/augment/h264_reencode.h"

#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

double mean_psnr(const std::vector<cv::Mat>& a, const std::vector<cv::Mat>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += psnr(a[i], b[i]);
  return sum / static_cast<double>(a.size());
}

// A short clip: the texture panning one pixel a frame, as a crop of a moving face would.
std::vector<cv::Mat> panning_clip(int n, int size) {
  const cv::Mat big = textured_frame(size + n, size, 11);
  std::vector<cv::Mat> frames;
  for (int i = 0; i < n; ++i) frames.push_back(big(cv::Rect(i, 0, size, size)).clone());
  return frames;
}

TEST(H264Reencode, PsnrFallsWithCrfAndWithScale) {
  const std::vector<cv::Mat> clip = panning_clip(4, 128);
  const double crf17 = mean_psnr(h264_roundtrip(clip, 17, 1.0), clip);
  const double crf30 = mean_psnr(h264_roundtrip(clip, 30, 1.0), clip);
  const double crf40 = mean_psnr(h264_roundtrip(clip, 40, 1.0), clip);
  const double crf17_quarter = mean_psnr(h264_roundtrip(clip, 17, 0.25), clip);
  EXPECT_GT(crf17, 36.0);
  EXPECT_LT(crf17, 70.0);   // lossy: pixels did change
  EXPECT_GT(crf40, 20.0);
  EXPECT_GT(crf17, crf30 + 2.0);
  EXPECT_GT(crf30, crf40 + 2.0);
  EXPECT_GT(crf17, crf17_quarter + 3.0);
  EXPECT_GT(crf17_quarter, 18.0);
}

TEST(H264Reencode, KeepsFrameCountSizeAndOddSizes) {
  const std::vector<cv::Mat> one = {textured_frame(75, 61, 2)};
  const auto out = h264_roundtrip(one, 23, 0.5);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].size(), cv::Size(75, 61));
  EXPECT_EQ(out[0].type(), CV_8UC3);
  EXPECT_GT(psnr(out[0], one[0]), 20.0);
  const auto many = h264_roundtrip(panning_clip(9, 64), 23, 1.0, "ultrafast");
  EXPECT_EQ(many.size(), 9u);
}

TEST(H264Reencode, PluginDrawsCrfAndScaleInRange) {
  const std::vector<cv::Mat> clip = panning_clip(2, 96);
  AugmentSample s;
  s.frames = clip;
  std::mt19937_64 rng(8);
  make_aug("h264_reencode", {{"p", 1.0}, {"crf_min", std::int64_t{17}}, {"crf_max", std::int64_t{17}},
                             {"scale", std::vector<double>{1.0, 1.0}}})
      ->apply(s, nullptr, rng);
  // Same parameters as the direct call: the same pixels.
  const auto direct = h264_roundtrip(clip, 17, 1.0, "veryfast");
  for (std::size_t i = 0; i < clip.size(); ++i) EXPECT_TRUE(same_mat(s.frames[i], direct[i]));
}

}  // namespace
}  // namespace dflab::test
