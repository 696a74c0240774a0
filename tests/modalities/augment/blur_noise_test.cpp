#include <gtest/gtest.h>

#include <string>
#include <utility>

#include <opencv2/imgproc.hpp>

#include "modalities/audio/npy.h"
#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

// 24 x 32 BGR image (rows, cols * 3) from tests/modalities/augment/fixtures/*.npy.
cv::Mat fixture_image(const std::string& name, int type) {
  const FeatureMatrix m = read_npy(std::string(DFLAB_SOURCE_DIR) + "/tests/modalities/augment/fixtures/" + name);
  cv::Mat f(static_cast<int>(m.n_rows), static_cast<int>(m.n_cols) / 3, CV_32FC3, const_cast<float*>(m.data.data()));
  cv::Mat out;
  f.convertTo(out, type);
  return out;
}

// The reference is scipy.ndimage.gaussian_filter (mode "mirror" = OpenCV's BORDER_REFLECT_101),
// made by fixtures/make_blur_fixture.py. OpenCV's 8-bit path rounds and uses fixed-point
// weights: within 1 grey level of the exact blur. A 10% larger sigma is off by 3-5 levels, the
// BORDER_REFLECT rule by 11-25 at the edges, so both would fail.
TEST(GaussianBlur, MatchesScipyAtAFixedSigma) {
  for (const auto& [sigma, ref_name] : {std::pair{1.0, "blur_sigma1.npy"}, std::pair{2.5, "blur_sigma2.5.npy"}}) {
    AugmentSample s;
    s.modality = AugmentModality::video;
    s.frames = {fixture_image("blur_input.npy", CV_8UC3)};
    std::mt19937_64 rng(1);
    make_aug("gaussian_blur", {{"p", 1.0}, {"sigma", std::vector<double>{sigma, sigma}}})->apply(s, nullptr, rng);
    const cv::Mat expected = fixture_image(ref_name, CV_32FC3);
    ASSERT_EQ(s.frames[0].type(), CV_8UC3);
    ASSERT_EQ(s.frames[0].size(), expected.size());
    cv::Mat got, diff;
    s.frames[0].convertTo(got, CV_32FC3);
    cv::absdiff(got, expected, diff);
    double max_diff = 0;
    cv::minMaxLoc(diff.reshape(1), nullptr, &max_diff);
    EXPECT_LE(max_diff, 1.0) << "sigma " << sigma;
    EXPECT_LE(cv::mean(diff.reshape(1))[0], 0.3) << "sigma " << sigma;
  }
}

TEST(GaussianNoise, HasTheRequestedStandardDeviationAndZeroMean) {
  AugmentSample s;
  s.frames = {cv::Mat(128, 128, CV_8UC3, cv::Scalar::all(128))};
  std::mt19937_64 rng(1);
  make_aug("gaussian_noise", {{"p", 1.0}, {"sigma", std::vector<double>{6.0, 6.0}}})->apply(s, nullptr, rng);
  cv::Mat diff;
  s.frames[0].convertTo(diff, CV_32FC3, 1.0, -128.0);
  cv::Scalar mean, sd;
  cv::meanStdDev(diff.reshape(1), mean, sd);
  EXPECT_NEAR(mean[0], 0.0, 0.2);
  EXPECT_NEAR(sd[0], 6.0, 0.3);
}

}  // namespace
}  // namespace dflab::test
