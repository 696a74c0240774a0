// `dflab augment`: runs the built binary on images written here.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "modalities/video/face_align.h"

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/modalities/augment/blend_test_util.h"

namespace dflab {
namespace {

using dflab::testing::run_dflab;

TEST(AugmentCli, HflipWritesTheMirroredFrame) {
  dflab::testing::TempDir d;
  const cv::Mat img = test::textured_frame(48, 32);
  ASSERT_TRUE(cv::imwrite(d / "face.png", img));
  auto r = run_dflab("augment hflip " + d / "face.png" + " --out " + d / "out --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["plugin"], "hflip");
  ASSERT_EQ(doc["frames"].size(), 1u);
  const cv::Mat out = cv::imread(doc["frames"][0].get<std::string>(), cv::IMREAD_COLOR);
  cv::Mat expected;
  cv::flip(img, expected, 1);
  EXPECT_TRUE(test::same_mat(out, expected));
}

TEST(AugmentCli, MixupNeedsAPartnerAndGivesASoftTarget) {
  dflab::testing::TempDir d;
  ASSERT_TRUE(cv::imwrite(d / "a.png", test::textured_frame(32, 32, 1)));
  ASSERT_TRUE(cv::imwrite(d / "b.png", test::textured_frame(32, 32, 2)));
  auto missing = run_dflab("augment mixup " + d / "a.png" + " --out " + d / "out");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("--partner"), std::string::npos) << missing.err;
  auto r = run_dflab("augment mixup " + d / "a.png" + " --partner " + d / "b.png" + " --seed 3 --json --out " +
                     d / "out");
  ASSERT_EQ(r.code, 0) << r.err;
  const double target = nlohmann::json::parse(r.out)["target"].get<double>();
  EXPECT_GT(target, 0.0);
  EXPECT_LT(target, 1.0);
}

TEST(AugmentCli, BadInputsAreReportedNotCrashed) {
  dflab::testing::TempDir d;
  const auto corrupt = d.write("broken.png", "not a png");
  auto r = run_dflab("augment jpeg " + corrupt + " --out " + d / "out");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(corrupt), std::string::npos) << r.err;
  auto unknown = run_dflab("augment no_such_aug " + corrupt + " --out " + d / "out");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("hflip"), std::string::npos) << "lists what exists: " << unknown.err;
  auto bad_param = run_dflab("augment jpeg " + corrupt + " --param quality_min=500 --out " + d / "out");
  EXPECT_NE(bad_param.code, 0);
  EXPECT_NE(bad_param.err.find("quality_min"), std::string::npos) << bad_param.err;
  ASSERT_TRUE(cv::imwrite(d / "a.png", test::textured_frame(32, 32, 1)));
  auto audio = run_dflab("augment spec_augment " + d / "a.png" + " --out " + d / "out");
  EXPECT_EQ(audio.code, 2);
  EXPECT_NE(audio.err.find("audio"), std::string::npos) << audio.err;
}

// self_blend on a face image: dlib's 68 landmarks are found (the whole image as the face box when
// the detector finds none), the frame and its mask are written; where the mask is 0 the frame
// keeps the input's pixels.
TEST(AugmentCli, SelfBlendWritesFramesAndMasks) {
  if (!std::filesystem::exists(kDlibLandmarkModel)) GTEST_SKIP() << "libdlib-data missing: " << kDlibLandmarkModel;
  dflab::testing::TempDir d;
  const cv::Mat img = test::face_frame(96, 96, 4);
  ASSERT_TRUE(cv::imwrite(d / "face.png", img));
  auto r = run_dflab("augment self_blend " + d / "face.png" + " --target 0 --seed 2 --json --out " + d / "out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["target"].get<double>(), 1.0);
  ASSERT_EQ(doc["masks"].size(), 1u);
  EXPECT_EQ(doc["landmarks"][0], 68);
  const cv::Mat frame = cv::imread(doc["frames"][0].get<std::string>(), cv::IMREAD_COLOR);
  const cv::Mat mask = cv::imread(doc["masks"][0].get<std::string>(), cv::IMREAD_GRAYSCALE);
  ASSERT_EQ(mask.size(), img.size());
  double lo = 0, hi = 0;
  cv::minMaxLoc(mask, &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_GT(hi, 50.0);
  EXPECT_GT(cv::countNonZero((mask > 0) & (mask < 255)), 50) << "a blurred edge";
  cv::Mat diff, diff_grey;
  cv::absdiff(frame, img, diff);
  cv::cvtColor(diff, diff_grey, cv::COLOR_BGR2GRAY);
  EXPECT_EQ(cv::countNonZero((diff_grey > 1) & (mask == 0)), 0) << "changed outside the mask";

  auto none = run_dflab("augment self_blend " + d / "face.png" + " --landmarks none --json --out " + d / "none");
  ASSERT_EQ(none.code, 0) << none.err;
  EXPECT_EQ(nlohmann::json::parse(none.out)["landmarks"][0], 0) << "the fallback: no landmarks";
  auto misuse = run_dflab("augment hflip " + d / "face.png" + " --landmarks none --out " + d / "h");
  EXPECT_EQ(misuse.code, 2);
  EXPECT_NE(misuse.err.find("--landmarks"), std::string::npos) << misuse.err;
}

// On a real clip (a DFDC original of ../shared), the mask covers the face that dlib found.
TEST(AugmentCli, SelfBlendOnARealClipMasksTheFace) {
  const std::string clip = std::string(DFLAB_SHARED_DIR) + "/data/dfl-swaps-dfdc/dfl_part_0/axqxetxfhp.mp4";
  if (!std::filesystem::exists(clip)) GTEST_SKIP() << "shared data missing: " << clip;
  if (!std::filesystem::exists(kDlibLandmarkModel)) GTEST_SKIP() << "libdlib-data missing: " << kDlibLandmarkModel;
  dflab::testing::TempDir d;
  auto r = run_dflab("augment self_blend " + clip + " --frames 2 --target 0 --json --out " + d / "out");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["masks"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const cv::Mat mask = cv::imread(doc["masks"][i].get<std::string>(), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(mask.empty());
    const double covered = cv::countNonZero(mask) / static_cast<double>(mask.total());
    EXPECT_GT(covered, 0.002) << "frame " << i;
    EXPECT_LT(covered, 0.5) << "frame " << i << ": a face mask, not the frame";
  }
}

}  // namespace
}  // namespace dflab
