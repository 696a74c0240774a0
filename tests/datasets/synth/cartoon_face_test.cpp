// The synthetic face must be a face to the project's own detectors — dlib's HOG detector (the
// default, `dlib_hog`) and OpenCV's Haar cascade — real and fake alike, drawn and after H.264
// through the real pipeline (extract_faces); and the fake must change the inner face only.
#include "datasets/synth/cartoon_face.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "datasets/synth/synth_dataset.h"
#include "modalities/video/detectors/register_detectors.h"
#include "modalities/video/face_extractor.h"

namespace fs = std::filesystem;

namespace dflab::synth {
namespace {

std::unique_ptr<FaceDetector> make_detector(const std::string& name) {
  static Registry* reg = [] {
    auto* r = new Registry();
    register_face_detector_plugins(*r);
    return r;
  }();
  return reg->create<FaceDetector>(kind::face_detector, name, reg->defaults(kind::face_detector, name));
}

// A detection counts when its box holds the face centre.
bool found_face(FaceDetector& det, const cv::Mat& frame, const FacePose& pose) {
  for (const auto& d : det.detect(frame))
    if (d.box.contains(cv::Point2f(static_cast<float>(pose.centre.x), static_cast<float>(pose.centre.y)))) return true;
  return false;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "dflab_synth_face_XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

TEST(CartoonFace, DrawnFacesAreFoundByDlibHogAndHaar) {
  auto hog = make_detector("dlib_hog");
  auto haar = make_detector("haar");
  int n = 0, n_hog = 0, n_haar = 0;
  for (std::uint64_t seed = 0; seed < 48; ++seed) {
    SynthRng rng(derive_seed(1234, "face-test", seed));
    const FaceStyle style = random_face_style(rng, 320, 240);
    const SwapStyle swap = random_swap_style(rng);
    const double t = rng.uniform(0, 2);
    const FacePose pose = face_pose_at(style, t);
    cv::Mat frame = draw_face_frame(style, pose, rng.uniform(), rng);
    if (seed % 2) apply_face_swap(frame, pose, swap);
    ++n;
    const bool h = found_face(*hog, frame, pose), c = found_face(*haar, frame, pose);
    n_hog += h;
    n_haar += c;
    if (!h || !c) std::printf("seed %llu: dlib_hog %d haar %d\n", static_cast<unsigned long long>(seed), h, c);
  }
  std::printf("drawn frames: dlib_hog %d/%d, haar %d/%d\n", n_hog, n, n_haar, n);
  EXPECT_GE(n_hog, n * 9 / 10);
  EXPECT_GE(n_haar, n * 9 / 10);
}

TEST(CartoonFace, EncodedClipsOfEveryKindPassTheExtractor) {
  TempDir dir;
  SynthOptions o;
  o.seconds = 2.0;
  auto hog = make_detector("dlib_hog");
  auto haar = make_detector("haar");
  FaceExtractOptions fx;
  fx.sampling = FrameSampling::uniform(8);
  fx.crop.size = 96;
  int n = 0, n_hog = 0, n_haar = 0;
  for (int i = 0; i < 8; ++i) {
    const auto kind = static_cast<SynthKind>(i % n_synth_kinds);
    const std::string path = (dir.path / ("clip" + std::to_string(i) + ".mp4")).string();
    write_synth_clip(path, kind, derive_seed(99, "face-clip", static_cast<std::uint64_t>(i)), o);
    const FaceClip a = extract_faces(path, *hog, fx);
    const FaceClip b = extract_faces(path, *haar, fx);
    ASSERT_EQ(a.status, ClipStatus::ok) << path << ": " << a.message;
    ASSERT_EQ(a.detections.size(), 8u);
    int da = 0, db = 0;
    for (const auto& d : a.detections) da += !d.empty();
    for (const auto& d : b.detections) db += !d.empty();
    n += 8;
    n_hog += da;
    n_haar += db;
    EXPECT_EQ(a.frames.size(), 8u);
    EXPECT_EQ(a.frames.front().cols, 96);
    std::printf("%s: dlib_hog %d/8, haar %d/8\n", to_string(kind), da, db);
  }
  EXPECT_GE(n_hog, n * 9 / 10);
  EXPECT_GE(n_haar, n * 9 / 10);
}

TEST(CartoonFace, SwapChangesTheInnerFaceOnly) {
  SynthRng rng(5);
  const FaceStyle style = random_face_style(rng, 320, 240);
  const SwapStyle swap = random_swap_style(rng);
  const FacePose pose = face_pose_at(style, 0.5);
  SynthRng n1(7), n2(7);
  const cv::Mat real = draw_face_frame(style, pose, 0.5, n1);
  cv::Mat fake = draw_face_frame(style, pose, 0.5, n2);
  ASSERT_EQ(cv::norm(real, fake, cv::NORM_INF), 0.0) << "drawing is not deterministic";
  apply_face_swap(fake, pose, swap);
  cv::Mat diff;
  cv::absdiff(real, fake, diff);
  cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
  // Inside: the nose area differs clearly (re-sampled + colour shift); outside the face: nothing.
  const cv::Point2d nose = pose.at(0, 0.1);
  const cv::Rect inner(cvRound(nose.x) - 8, cvRound(nose.y) - 8, 16, 16);
  EXPECT_GT(cv::mean(diff(inner))[0], 8.0);
  cv::Mat outside = cv::Mat::ones(diff.size(), CV_8U) * 255;
  cv::ellipse(outside, cv::Point(cvRound(pose.centre.x), cvRound(pose.centre.y)),
              cv::Size(cvRound(pose.half_width * 1.05), cvRound(pose.half_height * 1.05)), pose.tilt_deg, 0, 360,
              cv::Scalar(0), cv::FILLED);
  double max_outside = 0;
  cv::minMaxLoc(diff, nullptr, &max_outside, nullptr, nullptr, outside);
  EXPECT_EQ(max_outside, 0.0);
}

}  // namespace
}  // namespace dflab::synth
