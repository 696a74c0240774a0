// Contract tests run on every augmentation plugin: determinism, p = 0 / p = 1, the same
// parameters on every frame of a clip, and the checks on bad samples.
#include <gtest/gtest.h>

#include "tests/modalities/augment/augment_test_util.h"

namespace dflab::test {
namespace {

const std::vector<std::string> kVideo = {"hflip", "random_resized_crop", "color_jitter", "gaussian_blur",
                                         "gaussian_noise", "cutout", "jpeg", "h264_reencode", "landmark_cutout",
                                         "cutmix", "mixup", "paired_mixup", "self_blend", "face_blend"};
const std::vector<std::string> kAudio = {"audio_gain", "audio_noise", "time_shift", "spec_augment", "mixup"};

AugmentSample partner_for(const AugmentSample& s) {
  if (s.modality == AugmentModality::audio) return audio_sample(s.feature.rows, s.feature.cols, 0.0f, 99);
  return video_sample(static_cast<int>(s.frames.size()), s.frames[0].cols, s.frames[0].rows, 0.0f, 50);
}

void run(const Augmentation& aug, AugmentSample& s, std::uint64_t seed) {
  const AugmentSample partner = partner_for(s);
  std::mt19937_64 rng(seed);
  aug.apply(s, aug.partner() == PartnerKind::none ? nullptr : &partner, rng);
}

std::vector<std::pair<std::string, AugmentModality>> all_cases() {
  std::vector<std::pair<std::string, AugmentModality>> c;
  for (const auto& n : kVideo) c.emplace_back(n, AugmentModality::video);
  for (const auto& n : kAudio) c.emplace_back(n, AugmentModality::audio);
  return c;
}

AugmentSample sample_of(AugmentModality m, int frames = 2) {
  return m == AugmentModality::video ? video_sample(frames) : audio_sample();
}

TEST(Augmentation, EveryPluginIsRegisteredWithAProbabilityParam) {
  std::vector<std::string> names = augment_registry().names(kind::augmentation);
  EXPECT_EQ(names.size(), 19u);
  for (const auto& name : names) {
    const PluginInfo& info = augment_registry().info(kind::augmentation, name);
    const ParamSpec* p = info.param("p");
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->type, ParamType::real) << name;
    EXPECT_EQ(p->min, 0.0) << name;
    EXPECT_EQ(p->max, 1.0) << name;
  }
}

TEST(Augmentation, DeterministicForAFixedSeed) {
  for (const auto& [name, m] : all_cases()) {
    auto aug = make_aug(name, {{"p", 1.0}});
    AugmentSample a = sample_of(m), b = deep_copy(a);
    run(*aug, a, 1234);
    run(*aug, b, 1234);
    EXPECT_TRUE(same_sample(a, b)) << name;
  }
}

TEST(Augmentation, ProbabilityZeroLeavesTheSampleUntouched) {
  for (const auto& [name, m] : all_cases()) {
    auto aug = make_aug(name, {{"p", 0.0}});
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      AugmentSample s = sample_of(m);
      const AugmentSample before = deep_copy(s);
      run(*aug, s, seed);
      EXPECT_TRUE(same_sample(s, before)) << name << " seed " << seed;
    }
  }
}

TEST(Augmentation, ProbabilityOneChangesTheSample) {
  for (const auto& [name, m] : all_cases()) {
    auto aug = make_aug(name, {{"p", 1.0}});
    int changed = 0;
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      AugmentSample s = sample_of(m);
      const AugmentSample before = deep_copy(s);
      run(*aug, s, seed);
      changed += !same_sample(s, before);
    }
    EXPECT_GE(changed, 8) << name;
  }
}

TEST(Augmentation, ProbabilityHalfActsOnAboutHalfTheSamples) {
  auto aug = make_aug("hflip", {{"p", 0.5}});
  int changed = 0;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    AugmentSample s = video_sample(1, 16, 16);
    const AugmentSample before = deep_copy(s);
    run(*aug, s, seed);
    changed += !same_sample(s, before);
  }
  EXPECT_NEAR(changed, 200, 40);
}

TEST(Augmentation, SameParametersOnEveryFrameOfAClip) {
  for (const auto& name : kVideo) {
    auto aug = make_aug(name, {{"p", 1.0}});
    for (bool shared_buffer : {true, false}) {
      const cv::Mat f = textured_frame(64, 64, 3), g = textured_frame(64, 64, 4);
      AugmentSample s, partner;
      s.target = 1.0f;
      partner.target = 0.0f;
      for (int i = 0; i < 3; ++i) {
        s.frames.push_back(shared_buffer ? f : f.clone());
        partner.frames.push_back(shared_buffer ? g : g.clone());
      }
      std::mt19937_64 rng(5);
      aug->apply(s, aug->partner() == PartnerKind::none ? nullptr : &partner, rng);
      EXPECT_TRUE(same_mat(s.frames[0], s.frames[1])) << name;
      EXPECT_TRUE(same_mat(s.frames[0], s.frames[2])) << name;
      EXPECT_TRUE(same_mat(f, textured_frame(64, 64, 3))) << name << " wrote into the caller's buffer";
    }
  }
}

TEST(Augmentation, WrongModalityThrows) {
  for (const auto& name : augment_registry().names(kind::augmentation)) {
    auto aug = make_aug(name, {{"p", 1.0}});
    for (AugmentModality m : {AugmentModality::video, AugmentModality::audio}) {
      if (aug->applies_to(m)) continue;
      AugmentSample s = sample_of(m);
      std::mt19937_64 rng(1);
      try {
        aug->apply(s, nullptr, rng);
        ADD_FAILURE() << name << " accepted a sample of the wrong modality";
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("does not apply"), std::string::npos) << e.what();
      }
    }
  }
}

TEST(Augmentation, EmptyOrMalformedSamplesThrowEvenWithProbabilityZero) {
  for (const auto& [name, m] : all_cases()) {
    auto aug = make_aug(name, {{"p", 0.0}});
    std::mt19937_64 rng(1);
    AugmentSample empty;
    empty.modality = m;
    EXPECT_THROW(aug->apply(empty, nullptr, rng), std::invalid_argument) << name;
    if (m == AugmentModality::video) {
      AugmentSample s = video_sample(2);
      s.frames[1] = textured_frame(32, 64);
      EXPECT_THROW(aug->apply(s, nullptr, rng), std::invalid_argument) << name << " mixed frame sizes";
      AugmentSample g = video_sample(1);
      cv::cvtColor(g.frames[0], g.frames[0], cv::COLOR_BGR2GRAY);
      EXPECT_THROW(aug->apply(g, nullptr, rng), std::invalid_argument) << name << " grey frame";
      AugmentSample l = video_sample(2);
      l.landmarks.resize(1);
      EXPECT_THROW(aug->apply(l, nullptr, rng), std::invalid_argument) << name << " landmarks/frames count";
    } else {
      AugmentSample s = audio_sample();
      s.feature.convertTo(s.feature, CV_64F);
      EXPECT_THROW(aug->apply(s, nullptr, rng), std::invalid_argument) << name << " CV_64F feature";
    }
  }
}

TEST(Augmentation, MixingPluginsRejectAPartnerOfAnotherShapeAndSkipWithoutOne) {
  for (const std::string name : {"cutmix", "mixup", "paired_mixup"}) {
    auto aug = make_aug(name, {{"p", 1.0}});
    EXPECT_NE(aug->partner(), PartnerKind::none);
    std::mt19937_64 rng(1);
    AugmentSample s = video_sample(2);
    AugmentSample other = video_sample(3);
    EXPECT_THROW(aug->apply(s, &other, rng), std::invalid_argument) << name;
    AugmentSample small = video_sample(2, 32, 32);
    EXPECT_THROW(aug->apply(s, &small, rng), std::invalid_argument) << name;
    const AugmentSample before = deep_copy(s);
    aug->apply(s, nullptr, rng);
    EXPECT_TRUE(same_sample(s, before)) << name << " without a partner";
  }
  EXPECT_EQ(make_aug("paired_mixup")->partner(), PartnerKind::original);
  EXPECT_EQ(make_aug("cutmix")->partner(), PartnerKind::any);
  EXPECT_EQ(make_aug("hflip")->partner(), PartnerKind::none);
}

TEST(Augmentation, InvertedRangesAreRejectedWhenBuilt) {
  EXPECT_THROW(make_aug("random_resized_crop", {{"scale", std::vector<double>{0.9, 0.5}}}), std::invalid_argument);
  EXPECT_THROW(make_aug("cutout", {{"ratio", std::vector<double>{1.0}}}), std::invalid_argument);
  EXPECT_THROW(make_aug("jpeg", {{"quality_min", std::int64_t{90}}, {"quality_max", std::int64_t{50}}}),
               std::invalid_argument);
  EXPECT_THROW(make_aug("h264_reencode", {{"crf_min", std::int64_t{40}}, {"crf_max", std::int64_t{17}}}),
               std::invalid_argument);
  EXPECT_THROW(make_aug("spec_augment", {{"time_width_min", std::int64_t{9}}, {"time_width_max", std::int64_t{3}}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace dflab::test
