// Every face_detector plugin on real frames of the shared clips. The reference boxes were set from
// two file-based detectors that agree (ultraface RFB-320 and mtcnn, IoU 0.91 on both frames; the
// box is their mean), then checked by eye on the extracted PNGs.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "detector_test_support.h"
#include "modalities/video/detectors/detector_params.h"
#include "modalities/video/detectors/nms.h"
#include "modalities/video/detectors/register_detectors.h"
#include "modalities/video/face_detector.h"

namespace dflab {
namespace {

using test::detector_defaults;
using test::detector_registry;
using test::shared_frame;

struct RealFrame {
  const char* clip;
  double seconds;
  cv::Rect2f face;   // reference box in frame pixels
};

// 384x384 FFDV close-up, one face about 165 x 200 px.
const RealFrame kFfdv = {"data/ffdv-sample/valset/8ff14674c39e6c60031c7d1f4662346b.mp4", 2.0,
                         cv::Rect2f(126.0f, 8.5f, 164.0f, 198.0f)};
// 480x256 DeepFaceLive stream (real half), one face about 116 x 160 px.
const RealFrame kDfl = {"data/dfl-swaps-dfdc/dfl_part_0/chmpfinyyl.mp4", 2.0,
                        cv::Rect2f(161.0f, 26.5f, 116.0f, 160.5f)};
// 520x260 frame with two people.
const char* kTwoFacesClip = "data/dfl-swaps-dfdc/dfl_part_0/fijevclhde.mp4";
const cv::Rect2f kTwoFaces[2] = {cv::Rect2f(31.0f, 48.0f, 84.0f, 121.5f), cv::Rect2f(224.5f, 93.0f, 78.5f, 108.5f)};

bool has_score(const std::string& name) { return name != "haar" && name != "lbp"; }

cv::Rect2f scaled(const cv::Rect2f& r, float f) { return {r.x * f, r.y * f, r.width * f, r.height * f}; }

float best_iou(const std::vector<FaceDetection>& dets, const cv::Rect2f& ref) {
  float best = 0.0f;
  for (const auto& d : dets) best = std::max(best, box_overlap(d.box, ref));
  return best;
}

class FaceDetectorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto p = detector_defaults(reg_, GetParam());
    if (!p) GTEST_SKIP() << GetParam() << ": model file not under " << DFLAB_SHARED_DIR << "/models";
    params_ = *p;
  }
  std::unique_ptr<FaceDetector> make(const Params& p) const {
    return reg_.create<FaceDetector>(kind::face_detector, GetParam(), p);
  }
  std::unique_ptr<FaceDetector> make() const { return make(params_); }

  Registry reg_ = detector_registry();
  Params params_;
};

#define REQUIRE_FRAME(img, clip) \
  if ((img).empty()) GTEST_SKIP() << "no frame of " << (clip) << " (needs ../shared and the ffmpeg CLI)"

TEST_P(FaceDetectorTest, FindsTheFaceInRealFrames) {
  auto det = make();
  for (const RealFrame& f : {kFfdv, kDfl}) {
    const cv::Mat img = shared_frame(f.clip, f.seconds);
    REQUIRE_FRAME(img, f.clip);
    const auto dets = det->detect(img);
    ASSERT_FALSE(dets.empty()) << f.clip;
    EXPECT_GE(box_overlap(dets[0].box, f.face), 0.5f)
        << f.clip << ": top box " << dets[0].box << " vs reference " << f.face;
    for (std::size_t i = 1; i < dets.size(); ++i) EXPECT_LE(dets[i].score, dets[i - 1].score);
    for (const auto& d : dets) {
      EXPECT_GE(d.box.x, 0.0f);
      EXPECT_GE(d.box.y, 0.0f);
      EXPECT_LE(d.box.x + d.box.width, static_cast<float>(img.cols) + 1e-3f);
      EXPECT_LE(d.box.y + d.box.height, static_cast<float>(img.rows) + 1e-3f);
    }
  }
}

TEST_P(FaceDetectorTest, LandmarksLieOnTheFace) {
  const cv::Mat img = shared_frame(kFfdv.clip, kFfdv.seconds);
  REQUIRE_FRAME(img, kFfdv.clip);
  const auto dets = make()->detect(img);
  ASSERT_FALSE(dets.empty());
  const std::size_t expected = GetParam() == "blazeface" ? 6 : (GetParam() == "yunet" || GetParam() == "mtcnn") ? 5 : 0;
  ASSERT_EQ(dets[0].landmarks.size(), expected);
  const cv::Rect2f& r = kFfdv.face;
  const cv::Rect2f grown(r.x - 0.15f * r.width, r.y - 0.15f * r.height, 1.3f * r.width, 1.3f * r.height);
  for (const auto& p : dets[0].landmarks) EXPECT_TRUE(grown.contains(p)) << p;
  if (expected >= 2) {   // the two eyes first, side by side, in the upper part of the face
    EXPECT_GT(std::abs(dets[0].landmarks[0].x - dets[0].landmarks[1].x), 0.2f * r.width);
    EXPECT_LT(dets[0].landmarks[0].y, r.y + 0.65f * r.height);
  }
}

TEST_P(FaceDetectorTest, FindsBothPeople) {
  const cv::Mat img = shared_frame(kTwoFacesClip, 2.0);
  REQUIRE_FRAME(img, kTwoFacesClip);
  const auto dets = make()->detect(img);
  for (const cv::Rect2f& ref : kTwoFaces) {
    bool found = false;
    const cv::Point2f centre(ref.x + ref.width / 2, ref.y + ref.height / 2);
    for (const auto& d : dets) {
      const cv::Point2f c(d.box.x + d.box.width / 2, d.box.y + d.box.height / 2);
      found = found || (ref.contains(c) && d.box.contains(centre) && box_overlap(d.box, ref) >= 0.3f);
    }
    EXPECT_TRUE(found) << "no box on the face at " << ref;
  }
}

TEST_P(FaceDetectorTest, NothingInBlankOrNoiseImages) {
  auto det = make();
  const cv::Mat grey(360, 480, CV_8UC3, cv::Scalar(128, 128, 128));
  EXPECT_TRUE(det->detect(grey).empty());
  const cv::Mat black(240, 320, CV_8UC3, cv::Scalar::all(0));
  EXPECT_TRUE(det->detect(black).empty());
  cv::Mat noise(360, 480, CV_8UC3);
  cv::RNG rng(42);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  const auto found = det->detect(noise);
  EXPECT_TRUE(found.empty()) << found.size() << " boxes in noise, first " << found[0].box;
}

TEST_P(FaceDetectorTest, MinFaceDropsSmallerFaces) {
  const cv::Mat img = shared_frame(kFfdv.clip, kFfdv.seconds);
  REQUIRE_FRAME(img, kFfdv.clip);
  Params p = params_;
  p.set("min_face", std::int64_t{100});   // the face is ~165 px: still found
  const auto kept = make(p)->detect(img);
  EXPECT_GE(best_iou(kept, kFfdv.face), 0.5f);
  for (const auto& d : kept) EXPECT_GE(std::min(d.box.width, d.box.height), 100.0f);
  p.set("min_face", std::int64_t{300});   // larger than the face
  EXPECT_LT(best_iou(make(p)->detect(img), kFfdv.face), 0.5f);
}

TEST_P(FaceDetectorTest, ThresholdOrMinNeighborsControlsWhatIsKept) {
  const cv::Mat img = shared_frame(kDfl.clip, kDfl.seconds);
  REQUIRE_FRAME(img, kDfl.clip);
  Params p = params_;
  if (!has_score(GetParam())) {
    p.set("min_neighbors", std::int64_t{100});
    EXPECT_TRUE(make(p)->detect(img).empty());
    return;
  }
  const ParamSpec* spec = reg_.info(kind::face_detector, GetParam()).param("threshold");
  ASSERT_NE(spec, nullptr);
  const auto top = make()->detect(img);
  ASSERT_FALSE(top.empty());
  const double s = top[0].score;
  for (double t : {*spec->min, std::get<double>(*spec->default_value), std::min(s + 1e-3, *spec->max)}) {
    p.set("threshold", t);
    const auto dets = make(p)->detect(img);
    for (const auto& d : dets) EXPECT_GE(d.score, static_cast<float>(t) - 1e-6f) << "threshold " << t;
    if (t > s) {
      EXPECT_LT(best_iou(dets, top[0].box), 0.5f) << "threshold " << t << " above the face's score " << s;
    }
  }
}

TEST_P(FaceDetectorTest, DownscaledDetectionMapsBackToInputPixels) {
  const cv::Mat img = shared_frame(kDfl.clip, kDfl.seconds);
  REQUIRE_FRAME(img, kDfl.clip);
  Params full = params_;
  full.set("max_side", std::int64_t{0});
  const auto at_1x = make(full)->detect(img);
  ASSERT_FALSE(at_1x.empty());
  cv::Mat big;
  cv::resize(img, big, img.size() * 2, 0, 0, cv::INTER_LINEAR);
  Params down = params_;
  down.set("max_side", std::int64_t{std::max(img.cols, img.rows)});   // detect at the original size
  down.set("min_face", std::int64_t{2 * params_.integer("min_face")});
  const auto at_2x = make(down)->detect(big);
  ASSERT_FALSE(at_2x.empty());
  // Resampling may move a box by one pyramid level (dlib: 6/5 in size), so not ~1; a mapping
  // error (no or double scaling) would give IoU <= 0.25.
  EXPECT_GE(box_overlap(at_2x[0].box, scaled(at_1x[0].box, 2.0f)), 0.6f)
      << at_2x[0].box << " vs 2 x " << at_1x[0].box;
  EXPECT_GE(box_overlap(at_2x[0].box, scaled(kDfl.face, 2.0f)), 0.5f);
  ASSERT_EQ(at_2x[0].landmarks.size(), at_1x[0].landmarks.size());
  for (std::size_t k = 0; k < at_1x[0].landmarks.size(); ++k)
    EXPECT_LT(cv::norm(at_2x[0].landmarks[k] - 2.0f * at_1x[0].landmarks[k]), 0.05 * 2 * kDfl.face.width) << k;
}

TEST_P(FaceDetectorTest, RejectsImagesThatAreNotBgr) {
  auto det = make();
  EXPECT_THROW(det->detect(cv::Mat()), std::invalid_argument);
  EXPECT_THROW(det->detect(cv::Mat(64, 64, CV_8UC1, cv::Scalar(0))), std::invalid_argument);
}

TEST_P(FaceDetectorTest, ParametersAreDeclaredWithDocs) {
  const PluginInfo& info = reg_.info(kind::face_detector, GetParam());
  for (const char* common : {"nms_iou", "min_face", "max_side"}) EXPECT_NE(info.param(common), nullptr) << common;
  EXPECT_EQ(info.param("threshold") != nullptr, has_score(GetParam()));
  for (const auto& s : info.params) EXPECT_FALSE(s.doc.empty()) << s.name;
  EXPECT_EQ(info.param("min_face")->unit, "px");
}

INSTANTIATE_TEST_SUITE_P(AllDetectors, FaceDetectorTest, ::testing::ValuesIn(test::all_detector_names()),
                         [](const auto& info) { return info.param; });

// --- against an independent implementation ----------------------------------------------------
// fixtures/detector_fixtures.csv: mtcnn (facenet's detect_face.py in numpy), ultraface and
// res10_ssd (their reference Python code), all through python3-opencv; see
// fixtures/make_detector_fixtures.py for how it was made.

struct FixtureRow {
  std::string detector, clip;
  double seconds;
  cv::Rect2f box;
  float score;
  std::vector<cv::Point2f> landmarks;
};

std::vector<FixtureRow> read_fixtures() {
  const std::string path = std::string(DFLAB_TEST_DATA_DIR) + "/modalities/video/detectors/fixtures/detector_fixtures.csv";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<FixtureRow> rows;
  std::string line;
  std::getline(in, line);   // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() == 8) f.emplace_back();   // no landmarks
    if (f.size() != 9) throw std::runtime_error(path + ": malformed line: " + line);
    FixtureRow r{f[0], f[1], std::stod(f[2]),
                 cv::Rect2f(std::stof(f[3]), std::stof(f[4]), std::stof(f[5]), std::stof(f[6])), std::stof(f[7]), {}};
    std::stringstream marks(f[8]);
    for (float x, y; marks >> x >> y;) r.landmarks.emplace_back(x, y);
    rows.push_back(std::move(r));
  }
  return rows;
}

TEST(FaceDetectorReference, MatchesTheIndependentPythonImplementations) {
  const Registry reg = detector_registry();
  const std::vector<FixtureRow> rows = read_fixtures();
  ASSERT_EQ(rows.size(), 12u);
  std::map<std::string, std::unique_ptr<FaceDetector>> dets;
  for (const auto& row : rows) {
    const cv::Mat img = shared_frame(row.clip, row.seconds);
    REQUIRE_FRAME(img, row.clip);
    if (!dets.count(row.detector)) {
      const auto p = detector_defaults(reg, row.detector);
      if (!p) GTEST_SKIP() << row.detector << ": no model under " << DFLAB_SHARED_DIR;
      dets[row.detector] = reg.create<FaceDetector>(kind::face_detector, row.detector, *p);
    }
    const auto found = dets[row.detector]->detect(img);
    const FaceDetection* best = nullptr;
    for (const auto& d : found)
      if (!best || box_overlap(d.box, row.box) > box_overlap(best->box, row.box)) best = &d;
    ASSERT_NE(best, nullptr) << row.detector << " found nothing in " << row.clip;
    const std::string what = row.detector + " on " + row.clip;
    EXPECT_GE(box_overlap(best->box, row.box), 0.97f) << what << ": " << best->box << " vs " << row.box;
    EXPECT_NEAR(best->score, row.score, 2e-3) << what;
    ASSERT_EQ(best->landmarks.size(), row.landmarks.size()) << what;
    for (std::size_t k = 0; k < row.landmarks.size(); ++k)
      EXPECT_LT(cv::norm(best->landmarks[k] - row.landmarks[k]), 1.5) << what << " landmark " << k;
  }
}

// --- the model file: required, never downloaded, a clear error naming the path --------------------

class ModelFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelFileTest, IsRequiredAndAMissingOneIsNamed) {
  const Registry reg = detector_registry();
  const PluginInfo& info = reg.info(kind::face_detector, GetParam());
  ASSERT_NE(info.param("model"), nullptr);
  EXPECT_FALSE(info.param("model")->default_value.has_value());
  Params p = reg.defaults(kind::face_detector, GetParam());
  const std::string missing = "/nonexistent/dflab/" + GetParam() + ".model";
  p.set("model", missing);
  try {
    reg.create<FaceDetector>(kind::face_detector, GetParam(), p);
    FAIL() << "no error for a missing model";
  } catch (const ModelFileError& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(GetParam()), std::string::npos) << e.what();
  }
  p.set("model", std::string());
  EXPECT_THROW(reg.create<FaceDetector>(kind::face_detector, GetParam(), p), ModelFileError);
}

TEST_P(ModelFileTest, ACorruptModelIsAnErrorNotACrash) {
  const Registry reg = detector_registry();
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("dflab_corrupt_" + GetParam());
  fs::create_directories(dir);
  // A garbage file under every name a detector may look for.
  for (const char* name : {"model.onnx", "opencv_face_detector.pbtxt", "det1.prototxt", "det1.caffemodel",
                           "det2.prototxt", "det2.caffemodel", "det3.prototxt", "det3.caffemodel"})
    std::ofstream(dir / name) << "not a model \x01\x02 layer {";
  Params p = reg.defaults(kind::face_detector, GetParam());
  p.set("model", GetParam() == "mtcnn" ? dir.string() : (dir / "model.onnx").string());
  EXPECT_THROW(reg.create<FaceDetector>(kind::face_detector, GetParam(), p), ModelFileError);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(FileBasedDetectors, ModelFileTest,
                         ::testing::Values("blazeface", "mtcnn", "res10_ssd", "ultraface", "yunet"),
                         [](const auto& info) { return info.param; });

TEST(CascadeFile, OverrideIsUsedAndAMissingOneIsNamed) {
  const Registry reg = detector_registry();
  for (const std::string name : {"haar", "lbp"}) {
    Params p = reg.defaults(kind::face_detector, name);
    EXPECT_TRUE(std::filesystem::exists(p.string("cascade"))) << p.string("cascade");
    p.set("cascade", std::string("/nonexistent/cascade.xml"));
    try {
      reg.create<FaceDetector>(kind::face_detector, name, p);
      FAIL() << name;
    } catch (const ModelFileError& e) {
      EXPECT_NE(std::string(e.what()).find("/nonexistent/cascade.xml"), std::string::npos) << e.what();
    }
    const auto garbage = std::filesystem::temp_directory_path() / ("dflab_garbage_" + name + ".xml");
    std::ofstream(garbage) << "<?xml version=\"1.0\"?>\n<opencv_storage><cascade>broken";
    p.set("cascade", garbage.string());
    EXPECT_THROW(reg.create<FaceDetector>(kind::face_detector, name, p), ModelFileError) << name;
    std::filesystem::remove(garbage);
  }
}

TEST(DefaultFaceDetector, IsRegisteredAndNeedsNoFile) {
  const Registry reg = detector_registry();
  const PluginInfo& info = reg.info(kind::face_detector, default_face_detector);
  for (const auto& s : info.params) EXPECT_TRUE(s.default_value.has_value()) << s.name;
  EXPECT_NO_THROW(reg.create<FaceDetector>(kind::face_detector, default_face_detector,
                                           reg.defaults(kind::face_detector, default_face_detector)));
}

TEST(MtcnnModelFolder, AMissingNetFileIsNamed) {
  const Registry reg = detector_registry();
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "dflab_mtcnn_partial";
  fs::create_directories(dir);
  std::ofstream(dir / "det1.prototxt") << "x";
  Params p = reg.defaults(kind::face_detector, "mtcnn");
  p.set("model", dir.string());
  try {
    reg.create<FaceDetector>(kind::face_detector, "mtcnn", p);
    FAIL();
  } catch (const ModelFileError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "det1.caffemodel").string()), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dflab
