#include "modalities/video/detectors/detector_params.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace dflab {
namespace {

TEST(CommonParams, DeclaredWithRangesUnitsAndDocs) {
  CommonDefaults d;
  d.threshold = 0.8;
  const auto specs = with_common_params(d, {ParamSpec::integer("own", 1, "own parameter")});
  std::vector<std::string> names;
  for (const auto& s : specs) {
    names.push_back(s.name);
    EXPECT_FALSE(s.doc.empty()) << s.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"threshold", "nms_iou", "min_face", "max_side", "own"}));
  EXPECT_EQ(specs[2].unit, "px");
  EXPECT_FALSE(specs[0].check(ParamValue(1.5)).empty());   // out of [0, 1]
  const CommonDetectorParams c = CommonDetectorParams::from(Params::defaults(specs));
  EXPECT_FLOAT_EQ(c.threshold, 0.8f);
  EXPECT_EQ(c.min_face_px, 20);

  d.has_threshold = false;
  const auto no_score = with_common_params(d, {});
  EXPECT_EQ(no_score.front().name, "nms_iou");
  EXPECT_TRUE(std::isinf(CommonDetectorParams::from(Params::defaults(no_score)).threshold));
}

TEST(Downscale, LongerSideCappedAndScalesGoBack) {
  const cv::Mat img(300, 600, CV_8UC3, cv::Scalar::all(0));
  const ScaledImage s = downscale_to_max_side(img, 200);
  EXPECT_EQ(s.image.size(), cv::Size(200, 100));
  EXPECT_DOUBLE_EQ(s.scale_x, 3.0);
  EXPECT_DOUBLE_EQ(s.scale_y, 3.0);
  const ScaledImage same = downscale_to_max_side(img, 0);
  EXPECT_EQ(same.image.data, img.data);   // no copy
  EXPECT_EQ(downscale_to_max_side(img, 600).image.data, img.data);
}

TEST(FitToInput, LetterboxKeepsAspectStretchDoesNot) {
  cv::Mat img(100, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  const ScaledImage lb = fit_to_input(img, cv::Size(160, 120), true);
  EXPECT_EQ(lb.image.size(), cv::Size(160, 120));
  EXPECT_DOUBLE_EQ(lb.scale_x, 2.5);
  EXPECT_DOUBLE_EQ(lb.scale_y, 2.5);
  EXPECT_EQ(lb.image.at<cv::Vec3b>(10, 10), cv::Vec3b(255, 255, 255));   // content top-left
  EXPECT_EQ(lb.image.at<cv::Vec3b>(100, 10), cv::Vec3b(0, 0, 0));       // padding below row 40
  const ScaledImage st = fit_to_input(img, cv::Size(160, 120), false);
  EXPECT_DOUBLE_EQ(st.scale_x, 2.5);
  EXPECT_DOUBLE_EQ(st.scale_y, 100.0 / 120.0);
}

TEST(MapToInput, ScalesBoxesAndLandmarks) {
  std::vector<FaceDetection> d = {{cv::Rect2f(1, 2, 3, 4), 0.5f, {{1, 1}}}};
  map_to_input(d, 2.0, 3.0);
  EXPECT_EQ(d[0].box, cv::Rect2f(2, 6, 6, 12));
  EXPECT_EQ(d[0].landmarks[0], cv::Point2f(2, 3));
}

TEST(FinishDetections, ThresholdMinFaceClipNmsAndSort) {
  CommonDetectorParams c;
  c.threshold = 0.5f;
  c.nms_iou = 0.3f;
  c.min_face_px = 20;
  std::vector<FaceDetection> d = {
      {cv::Rect2f(0, 0, 50, 50), 0.6f, {}},
      {cv::Rect2f(2, 2, 50, 50), 0.9f, {}},     // suppresses the first
      {cv::Rect2f(100, 100, 10, 60), 0.9f, {}},  // 10 px wide: too small
      {cv::Rect2f(200, 0, 50, 50), 0.4f, {}},    // under the threshold
      {cv::Rect2f(170, 150, 60, 60), 0.7f, {}},  // clipped to 30 x 50 by the 200 x 200 frame
  };
  const auto out = finish_detections(d, c, cv::Size(200, 200));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_EQ(out[1].box, cv::Rect2f(170, 150, 30, 50));
}

TEST(CheckInput, RejectsEmptyAndNonBgr) {
  EXPECT_THROW(check_bgr_input(cv::Mat(), "x"), std::invalid_argument);
  EXPECT_THROW(check_bgr_input(cv::Mat(10, 10, CV_8UC1), "x"), std::invalid_argument);
  EXPECT_THROW(check_bgr_input(cv::Mat(10, 10, CV_32FC3), "x"), std::invalid_argument);
  EXPECT_NO_THROW(check_bgr_input(cv::Mat(10, 10, CV_8UC3), "x"));
}

TEST(RequireModelFile, NamesPluginParameterAndPath) {
  Params p;
  p.origin = "exp.toml:7";
  try {
    require_model_file("/no/such/model.onnx", "yunet", "model", p);
    FAIL() << "no exception";
  } catch (const ModelFileError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("/no/such/model.onnx"), std::string::npos) << msg;
    EXPECT_NE(msg.find("exp.toml:7"), std::string::npos) << msg;
    EXPECT_NE(msg.find("yunet"), std::string::npos) << msg;
  }
  EXPECT_THROW(require_model_file("", "yunet", "model", p), ModelFileError);
  EXPECT_THROW(require_model_file(std::filesystem::temp_directory_path().string(), "yunet", "model", p),
               ModelFileError);   // a folder is not a model file
  const auto file = std::filesystem::temp_directory_path() / "dflab_require_model_file_test.bin";
  std::ofstream(file) << "x";
  EXPECT_EQ(require_model_file(file.string(), "yunet", "model", p), file.string());
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace dflab
