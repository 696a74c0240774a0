// dlib 68-landmark alignment on a real FFDV frame: the aligned crop must not depend on how the
// face was turned in the frame.
#include "modalities/video/face_align.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "modalities/video/face_extractor.h"
#include "modalities/video/video_decoder.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

const char* kHaar = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

cv::Mat first_ffdv_frame() {
  const std::string dir = std::string(DFLAB_SHARED_DIR) + "/data/ffdv-sample/trainset";
  if (!fs::is_directory(dir)) return {};
  std::vector<std::string> clips;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".mp4") clips.push_back(e.path().string());
  std::sort(clips.begin(), clips.end());
  cv::Mat frame;
  decode_video(clips.at(0), FrameSampling::uniform(1).window(1.0, 2.0), [&](VideoFrame& f) {
    frame = f.bgr;
    return false;
  });
  return frame;
}

cv::Rect2f haar_face(const cv::Mat& bgr) {
  cv::CascadeClassifier c(kHaar);
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  std::vector<cv::Rect> faces;
  c.detectMultiScale(gray, faces, 1.1, 5, 0, cv::Size(40, 40));
  if (faces.empty()) return {};
  return cv::Rect2f(*std::max_element(faces.begin(), faces.end(),
                                      [](const cv::Rect& a, const cv::Rect& b) { return a.area() < b.area(); }));
}

TEST(FaceAlignTest, MissingModelIsAClearError) {
  try {
    LandmarkAligner bad("/nonexistent/model.dat");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.dat"), std::string::npos);
  }
  EXPECT_THROW(align_face(cv::Mat(10, 10, CV_8UC3), {{1, 1}}, 32), std::invalid_argument);
}

TEST(FaceAlignTest, AlignedCropIsTheSameWhetherTheFrameIsTurnedOrNot) {
  if (!fs::exists(kDlibLandmarkModel)) GTEST_SKIP() << "libdlib-data missing: " << kDlibLandmarkModel;
  cv::Mat frame = first_ffdv_frame();
  if (frame.empty()) GTEST_SKIP() << "shared data missing";
  LandmarkAligner aligner;
  const cv::Rect2f box = haar_face(frame);
  ASSERT_GT(box.area(), 0) << "Haar found no face in the FFDV frame";
  std::vector<cv::Point2f> lm = aligner.landmarks(frame, box);
  ASSERT_EQ(lm.size(), 68u);
  // Landmarks lie in and around the box; the nose tip (30) is inside it.
  EXPECT_TRUE(box.contains(lm[30]));
  AlignedFace a = align_face(frame, lm, 128);
  ASSERT_EQ(a.crop.size(), cv::Size(128, 128));
  // Eyes land on the template: level, at the template's x positions.
  auto eye = [&](const std::vector<cv::Point2f>& p, int from) {
    cv::Point2f c(0, 0);
    for (int i = from; i < from + 6; ++i) c += p[i];
    return c * (1.0f / 6.0f);
  };
  EXPECT_NEAR(eye(a.landmarks, 36).x, kTemplateLeftEyeX * 128, 0.5);
  EXPECT_NEAR(eye(a.landmarks, 42).x, kTemplateRightEyeX * 128, 0.5);
  EXPECT_NEAR(eye(a.landmarks, 36).y, eye(a.landmarks, 42).y, 0.5);

  // Turn the frame by 15° about the face centre; predict landmarks again from the turned box.
  const cv::Point2f c(box.x + box.width / 2, box.y + box.height / 2);
  cv::Mat rot = cv::getRotationMatrix2D(c, 15.0, 1.0), turned;
  cv::warpAffine(frame, turned, rot, frame.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  std::vector<cv::Point2f> lm_t = aligner.landmarks(turned, box);
  AlignedFace b = align_face(turned, lm_t, 128);
  // The same face, upright, at the same place: the crops agree far better than the raw boxes.
  cv::Mat ga, gb, gr;
  cv::cvtColor(a.crop, ga, cv::COLOR_BGR2GRAY);
  cv::cvtColor(b.crop, gb, cv::COLOR_BGR2GRAY);
  cv::Mat inner(ga, cv::Rect(24, 24, 80, 80)), inner_b(gb, cv::Rect(24, 24, 80, 80));
  const double aligned_diff = cv::mean(cv::abs(cv::Mat_<float>(inner) - cv::Mat_<float>(inner_b)))[0];
  cv::Mat raw_a, raw_b;
  cv::resize(frame(cv::Rect(box)), raw_a, {128, 128});
  cv::resize(turned(cv::Rect(box)), raw_b, {128, 128});
  cv::cvtColor(raw_a, raw_a, cv::COLOR_BGR2GRAY);
  cv::cvtColor(raw_b, raw_b, cv::COLOR_BGR2GRAY);
  const double raw_diff = cv::mean(cv::abs(cv::Mat_<float>(raw_a(cv::Rect(24, 24, 80, 80))) -
                                           cv::Mat_<float>(raw_b(cv::Rect(24, 24, 80, 80)))))[0];
  EXPECT_LT(aligned_diff, 0.5 * raw_diff) << "aligned " << aligned_diff << " vs unaligned " << raw_diff;
  EXPECT_LT(aligned_diff, 12.0);
}

class Haar : public FaceDetector {
 public:
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override {
    const cv::Rect2f b = haar_face(bgr);
    if (b.area() <= 0) return {};
    return {FaceDetection{b, 1.0f, {}}};
  }
};

TEST(FaceAlignTest, ExtractorAlignsEveryCropAndKeeps68Landmarks) {
  if (!fs::exists(kDlibLandmarkModel)) GTEST_SKIP() << "libdlib-data missing: " << kDlibLandmarkModel;
  const std::string dir = std::string(DFLAB_SHARED_DIR) + "/data/ffdv-sample/trainset";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared data missing: " << dir;
  std::vector<std::string> clips;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".mp4") clips.push_back(e.path().string());
  std::sort(clips.begin(), clips.end());
  LandmarkAligner aligner;
  Haar haar;
  FaceExtractOptions opt;
  opt.sampling = FrameSampling::uniform(3);
  opt.crop.size = 96;
  opt.align = true;
  opt.aligner = &aligner;
  FaceClip clip = extract_faces(clips.at(0), haar, opt);
  ASSERT_EQ(clip.status, ClipStatus::ok) << clip.message;
  ASSERT_EQ(clip.frames.size(), 3u);
  for (const auto& lm : clip.landmarks) {
    ASSERT_EQ(lm.size(), 68u);
    cv::Point2f l(0, 0), r(0, 0);
    for (int i = 0; i < 6; ++i) { l += lm[36 + i]; r += lm[42 + i]; }
    EXPECT_NEAR(l.x / 6, kTemplateLeftEyeX * 96, 0.5);
    EXPECT_NEAR(l.y / 6, r.y / 6, 0.5);
  }
  EXPECT_NE(opt.canonical().find("align=dlib68"), std::string::npos);
}

}  // namespace
}  // namespace dflab
