#include <gtest/gtest.h>

#include <set>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

// An audio-visual unit whose context window k holds the constant k: the window av_shift picks
// says which time (relative offset = value - centre) it came from.
AugmentSample av_unit(int context, int centre, int stack = 5) {
  AugmentSample s;
  s.modality = AugmentModality::av;
  for (int i = 0; i < stack; ++i) s.frames.push_back(textured_frame(32, 16, static_cast<std::uint64_t>(i + 1)));
  for (int k = 0; k < context; ++k) s.audio_context.push_back(cv::Mat(13, 21, CV_32FC1, cv::Scalar(static_cast<float>(k))));
  s.audio_context_centre = centre;
  s.feature = s.audio_context[static_cast<std::size_t>(centre)];
  s.target = 0.0f;
  return s;
}

int shift_of(const AugmentSample& s) { return static_cast<int>(s.feature.at<float>(0, 0)) - s.audio_context_centre; }

TEST(AvShift, ForgedUnitsTakeAudioFromOtherTimesWithinTheRangeAndBecomeFake) {
  auto aug = make_aug("av_shift", {{"min_shift", std::int64_t{3}}, {"max_shift", std::int64_t{6}}});
  ASSERT_TRUE(aug->forges());
  EXPECT_TRUE(aug->applies_to(AugmentModality::av));
  EXPECT_FALSE(aug->applies_to(AugmentModality::video));
  EXPECT_FALSE(aug->applies_to(AugmentModality::audio));
  std::set<int> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    AugmentSample s = av_unit(41, 20);
    const cv::Mat mouth0 = s.frames[0].clone();
    std::mt19937_64 rng(seed);
    aug->forge(s, nullptr, rng);
    const int d = shift_of(s);
    EXPECT_GE(std::abs(d), 3) << seed;
    EXPECT_LE(std::abs(d), 6) << seed;
    EXPECT_EQ(s.target, 1.0f);
    EXPECT_TRUE(same_mat(s.frames[0], mouth0));   // the mouths stay as they were
    seen.insert(d);
  }
  EXPECT_EQ(seen, (std::set<int>{-6, -5, -4, -3, 3, 4, 5, 6}));   // both directions, every shift
}

TEST(AvShift, NearTheEdgesOnlyShiftsTheVideoHasAreDrawn) {
  auto aug = make_aug("av_shift", {{"min_shift", std::int64_t{3}}, {"max_shift", std::int64_t{15}}});
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    AugmentSample s = av_unit(10, 1);   // 1 frame before, 8 after
    std::mt19937_64 rng(seed);
    aug->forge(s, nullptr, rng);
    const int d = shift_of(s);
    EXPECT_GE(d, 3) << seed;
    EXPECT_LE(d, 8) << seed;
  }
  // Too short for min_shift: the farthest other times still count (|d| >= 2).
  AugmentSample s = av_unit(3, 0);
  std::mt19937_64 rng(1);
  aug->forge(s, nullptr, rng);
  EXPECT_EQ(shift_of(s), 2);
  // A single frame has no other time: a clear error, not a silently real "fake".
  AugmentSample one = av_unit(1, 0);
  EXPECT_THROW(aug->forge(one, nullptr, rng), std::runtime_error);
  // A unit without context (an inference unit) cannot be shifted.
  AugmentSample bare = av_unit(1, 0);
  bare.audio_context.clear();
  bare.audio_context_centre = -1;
  EXPECT_THROW(aug->forge(bare, nullptr, rng), std::invalid_argument);
}

TEST(AvShift, ApplyActsWithProbabilityPAndLeavesOtherUnitsAlone) {
  auto aug = make_aug("av_shift", {{"p", 0.3}});
  int acted = 0;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    AugmentSample s = av_unit(41, 20);
    std::mt19937_64 rng(seed);
    aug->apply(s, nullptr, rng);
    if (s.target == 1.0f) {
      ++acted;
      EXPECT_NE(shift_of(s), 0);
    } else {
      EXPECT_EQ(shift_of(s), 0);
    }
  }
  EXPECT_NEAR(acted / 400.0, 0.3, 0.07);
  AugmentSample audio = audio_sample();
  std::mt19937_64 rng(1);
  EXPECT_THROW(aug->apply(audio, nullptr, rng), std::invalid_argument);
}

TEST(AvShift, OtherClipTakesThePartnersAudio) {
  auto aug = make_aug("av_shift", {{"other_clip", 1.0}});
  EXPECT_EQ(aug->partner(), PartnerKind::real);
  EXPECT_EQ(make_aug("av_shift")->partner(), PartnerKind::none);
  AugmentSample s = av_unit(41, 20), partner = av_unit(41, 20);
  partner.feature = cv::Mat(13, 21, CV_32FC1, cv::Scalar(-7.0f));
  std::mt19937_64 rng(3);
  aug->forge(s, &partner, rng);
  EXPECT_EQ(s.feature.at<float>(0, 0), -7.0f);
  EXPECT_EQ(s.target, 1.0f);
}

TEST(AvShift, MinAboveMaxIsRejected) {
  EXPECT_THROW(make_aug("av_shift", {{"min_shift", std::int64_t{9}}, {"max_shift", std::int64_t{4}}}), std::invalid_argument);
}

TEST(Augmentation, SingleStreamAugmentationsLeaveAudioVisualUnitsAlone) {
  for (const char* name : {"hflip", "color_jitter", "time_shift", "spec_augment", "audio_gain", "self_blend"})
    EXPECT_FALSE(make_aug(name)->applies_to(AugmentModality::av)) << name;
}

}  // namespace
}  // namespace dflab::test
