// `dflab augment`: runs the built binary on images written here.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <opencv2/imgcodecs.hpp>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/modalities/augment/augment_test_util.h"

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

}  // namespace
}  // namespace dflab
