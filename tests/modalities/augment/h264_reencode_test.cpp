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

// n clearly different frames: a bright square crossing a still texture 6 px a frame.
std::vector<cv::Mat> moving_square_clip(int n = 10, int size = 96) {
  const cv::Mat background = textured_frame(size, size, 5);
  std::vector<cv::Mat> frames;
  for (int i = 0; i < n; ++i) {
    cv::Mat f = background.clone();
    cv::rectangle(f, cv::Rect(6 * i, size / 3, 20, 20), cv::Scalar(250, 250, 250), cv::FILLED);
    frames.push_back(f);
  }
  return frames;
}

// An h264_reencode with fixed CRF 17, scale 1 and frame rate `fps`, acting on every sample.
std::unique_ptr<Augmentation> reencode_at(double fps) {
  return make_aug("h264_reencode", {{"p", 1.0},
                                    {"crf_min", std::int64_t{17}},
                                    {"crf_max", std::int64_t{17}},
                                    {"scale", std::vector<double>{1.0, 1.0}},
                                    {"fps", std::vector<double>{fps, fps}}});
}

std::vector<cv::Mat> reencoded(const std::vector<cv::Mat>& frames, double fps, std::vector<double> timestamps_s = {}) {
  AugmentSample s;
  s.frames = frames;
  s.timestamps_s = std::move(timestamps_s);
  std::mt19937_64 rng(3);
  reencode_at(fps)->apply(s, nullptr, rng);
  return s.frames;
}

// Each output frame looks like source frame `expected[i]` and clearly unlike its neighbours.
void expect_shows(const std::vector<cv::Mat>& out, const std::vector<cv::Mat>& src, const std::vector<std::size_t>& expected) {
  ASSERT_EQ(out.size(), src.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double own = psnr(out[i], src[expected[i]]);
    EXPECT_GT(own, 34.0) << "frame " << i;
    if (expected[i] > 0) {
      EXPECT_GT(own, psnr(out[i], src[expected[i] - 1]) + 6.0) << "frame " << i;
    }
    if (expected[i] + 1 < src.size()) {
      EXPECT_GT(own, psnr(out[i], src[expected[i] + 1]) + 6.0) << "frame " << i;
    }
  }
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
                             {"scale", std::vector<double>{1.0, 1.0}}, {"fps", std::vector<double>{30.0, 30.0}}})
      ->apply(s, nullptr, rng);
  // Same parameters as the direct call: the same pixels.
  const auto direct = h264_roundtrip(clip, 17, 1.0, "veryfast", {30.0, {}, 30.0});
  for (std::size_t i = 0; i < clip.size(); ++i) EXPECT_TRUE(same_mat(s.frames[i], direct[i]));
}

TEST(H264Reencode, FpsResampleKeepsTheFirstFrameOfEachSlot) {
  std::vector<double> at30;
  for (int i = 0; i < 6; ++i) at30.push_back(i / 30.0);
  using Shown = std::vector<std::size_t>;
  EXPECT_EQ(fps_resample(at30, 15.0), (Shown{0, 0, 2, 2, 4, 4}));
  EXPECT_EQ(fps_resample(at30, 10.0), (Shown{0, 0, 0, 3, 3, 3}));
  EXPECT_EQ(fps_resample(at30, 30.0), (Shown{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(fps_resample(at30, 60.0), (Shown{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(fps_resample(at30, 0.0), (Shown{0, 1, 2, 3, 4, 5}));   // no resampling
  // 30 fps timestamps rounded down to milliseconds (a Matroska time base) still fill every slot.
  EXPECT_EQ(fps_resample({0.0, 0.033, 0.066, 0.1, 0.133}, 30.0), (Shown{0, 1, 2, 3, 4}));
  // Frames sampled far apart are never dropped; a repeated time (a clip padded with its last
  // crop) is.
  EXPECT_EQ(fps_resample({0.0, 0.6, 1.2, 1.8}, 15.0), (Shown{0, 1, 2, 3}));
  EXPECT_EQ(fps_resample({0.0, 0.6, 0.6, 0.6}, 15.0), (Shown{0, 1, 1, 1}));
  EXPECT_EQ(fps_resample({2.5}, 15.0), (Shown{0}));
}

TEST(H264Reencode, HalfTheFrameRateRepeatsEveryKeptFrame) {
  const std::vector<cv::Mat> clip = moving_square_clip();   // no timestamps: 30 fps (source_fps)
  const std::vector<cv::Mat> out = reencoded(clip, 15.0);
  ASSERT_EQ(out.size(), clip.size());
  // Odd frames are dropped and repeat the decoded even frame bytewise; even frames are new pictures.
  for (std::size_t i = 1; i < out.size(); ++i) EXPECT_EQ(same_mat(out[i], out[i - 1]), i % 2 == 1) << "frame " << i;
  expect_shows(out, clip, {0, 0, 2, 2, 4, 4, 6, 6, 8, 8});
}

TEST(H264Reencode, SourceRateOrFarApartFramesDropNothing) {
  const std::vector<cv::Mat> clip = moving_square_clip();
  const std::vector<std::size_t> every = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<cv::Mat> at30 = reencoded(clip, 30.0);
  for (std::size_t i = 1; i < at30.size(); ++i) EXPECT_FALSE(same_mat(at30[i], at30[i - 1])) << "frame " << i;
  expect_shows(at30, clip, every);

  // Crops sampled 0.6 s apart (timestamps from the face cache), re-encoded at 15 fps.
  std::vector<double> apart_s;
  for (int i = 0; i < 10; ++i) apart_s.push_back(1.0 + 0.6 * i);
  const std::vector<cv::Mat> apart = reencoded(clip, 15.0, apart_s);
  for (std::size_t i = 1; i < apart.size(); ++i) EXPECT_FALSE(same_mat(apart[i], apart[i - 1])) << "frame " << i;
  expect_shows(apart, clip, every);

  // The same 0.6 s clip told it is 30 fps consecutive frames does drop every other one.
  const std::vector<cv::Mat> consecutive = reencoded(clip, 15.0);
  EXPECT_TRUE(same_mat(consecutive[1], consecutive[0]));
}

TEST(H264Reencode, OneFrameStaysOneIntraFrameAtAnyRate) {
  const std::vector<cv::Mat> one = {textured_frame(64, 48, 4)};
  const auto out = h264_roundtrip(one, 20, 1.0, "veryfast", {15.0, {7.3}, 30.0});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GT(psnr(out[0], one[0]), 34.0);
  // Its time is irrelevant: the one frame is kept (as pts 0) whatever the rate.
  const auto late = h264_roundtrip(one, 20, 1.0, "veryfast", {1.0, {1e4}, 30.0});
  ASSERT_EQ(late.size(), 1u);
  EXPECT_GT(psnr(late[0], one[0]), 34.0);
}

TEST(H264Reencode, BadFrameRatesAreRejectedNamingTheParameter) {
  auto message_of = [](const std::map<std::string, ParamValue>& set) -> std::string {
    Params p = augment_registry().defaults(kind::augmentation, "h264_reencode");
    p.origin = "exp.toml:7";
    for (const auto& [k, v] : set) p.set(k, v);
    try {
      augment_registry().create<Augmentation>(kind::augmentation, "h264_reencode", p);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  for (const std::string& m : {message_of({{"fps", std::vector<double>{30.0, 15.0}}}),
                              message_of({{"fps", std::vector<double>{0.0, 30.0}}}),
                              message_of({{"fps", std::vector<double>{20.0}}})}) {
    EXPECT_NE(m.find("exp.toml:7"), std::string::npos) << m;
    EXPECT_NE(m.find("fps"), std::string::npos) << m;
  }
  const std::string source = message_of({{"source_fps", 0.0}});
  EXPECT_NE(source.find("source_fps"), std::string::npos) << source;
  EXPECT_EQ(message_of({{"fps", std::vector<double>{24.0, 24.0}}}), "");

  // Timestamps not in step with the frames.
  AugmentSample s;
  s.frames = moving_square_clip(3, 32);
  s.timestamps_s = {0.0, 0.1};
  std::mt19937_64 rng(1);
  EXPECT_THROW(reencode_at(15.0)->apply(s, nullptr, rng), std::invalid_argument);
  EXPECT_THROW(h264_roundtrip(s.frames, 23, 1.0, "veryfast", {15.0, {0.0, 0.1}, 30.0}), std::invalid_argument);
  EXPECT_THROW(h264_roundtrip(s.frames, 23, 1.0, "veryfast", {15.0, {0.0, std::nan(""), 0.2}, 30.0}),
               std::invalid_argument);
}

TEST(H264Reencode, SameSeedSameOutputWithDrawnFrameRate) {
  const std::vector<cv::Mat> clip = moving_square_clip(8, 64);
  auto run = [&](std::uint64_t seed) {
    AugmentSample s;
    s.frames = clip;
    std::mt19937_64 rng(seed);
    make_aug("h264_reencode", {{"p", 1.0}})->apply(s, nullptr, rng);   // fps 15..30, CRF 17..40, scale 0.25..1
    return s;
  };
  const AugmentSample a = run(42), b = run(42);
  EXPECT_TRUE(same_sample(a, b));
  EXPECT_EQ(a.frames.size(), clip.size());
}

}  // namespace
}  // namespace dflab::test
