// The decode → detect → track → crop pipeline, with a fake detector that finds white squares in a
// generated clip (the detector plugins are tested on their own), and with OpenCV's Haar cascade
// on the real clips when they are present.
#include "modalities/video/face_extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "modalities/video/contact_sheet.h"
#include "tests/modalities/video/synthetic_clip.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

// "Faces" are bright blobs: enough to test geometry end to end.
class BlobDetector : public FaceDetector {
 public:
  int calls = 0;
  cv::Size last_input;
  std::vector<cv::Size> inputs;
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override {
    ++calls;
    last_input = bgr.size();
    inputs.push_back(bgr.size());
    cv::Mat gray, mask;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    cv::threshold(gray, mask, 200, 255, cv::THRESH_BINARY);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<FaceDetection> out;
    for (const auto& c : contours) {
      cv::Rect r = cv::boundingRect(c);
      if (r.area() < 16) continue;
      FaceDetection d;
      d.box = cv::Rect2f(r);
      d.score = 0.9f;
      d.landmarks = {cv::Point2f(r.x + r.width * 0.5f, r.y + r.height * 0.5f)};
      out.push_back(d);
    }
    return out;
  }
};

class HaarDetector : public FaceDetector {
 public:
  explicit HaarDetector(const std::string& xml) { ok = cascade.load(xml); }
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override {
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    std::vector<cv::Rect> faces;
    cascade.detectMultiScale(gray, faces, 1.1, 5, 0, cv::Size(30, 30));
    std::vector<FaceDetection> out;
    for (const auto& f : faces) out.push_back({cv::Rect2f(f), 1.0f, {}});
    return out;
  }
  cv::CascadeClassifier cascade;
  bool ok = false;
};

// A 320×240 clip: a 60×60 white square moving right 8 px per frame; absent in frames 9 and 10.
cv::Mat square_frame(int i) {
  cv::Mat img(240, 320, CV_8UC3, cv::Scalar::all(40));
  if (i != 9 && i != 10) cv::rectangle(img, cv::Rect(20 + 8 * i, 90, 60, 60), cv::Scalar::all(255), -1);
  return img;
}

class FaceExtractorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(test::make_temp_dir("dflab_video_extract_"));
    test::ClipSpec spec;
    spec.width = 320;
    spec.height = 240;
    spec.n_frames = 24;
    spec.painter = square_frame;
    test::write_clip(*dir_ + "/square.mp4", spec);
    // The square jumps 220 px between frames 4 and 5: far outside a track-guided search region.
    spec.painter = [](int i) {
      cv::Mat img(240, 320, CV_8UC3, cv::Scalar::all(40));
      cv::rectangle(img, cv::Rect(i < 5 ? 20 : 240, 90, 60, 60), cv::Scalar::all(255), -1);
      return img;
    };
    test::write_clip(*dir_ + "/jump.mp4", spec);
    spec.painter = [](int) { return cv::Mat(240, 320, CV_8UC3, cv::Scalar::all(40)); };
    test::write_clip(*dir_ + "/empty_scene.mp4", spec);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string file(const std::string& n) { return *dir_ + "/" + n; }
  static std::string* dir_;
};
std::string* FaceExtractorTest::dir_ = nullptr;

TEST_F(FaceExtractorTest, CropsFollowTheFaceAndBoxesMapBackFromTheDownscaledFrame) {
  BlobDetector det;
  FaceExtractOptions opt;
  opt.sampling = FrameSampling::all();
  opt.detect_max_side = 160;   // detect at half size
  opt.crop.size = 64;
  opt.crop.margin = 1.5f;
  opt.tracker.smooth_window = 1;
  opt.keep_sampled_frames = true;
  FaceClip clip = extract_faces(file("square.mp4"), det, opt);
  ASSERT_EQ(clip.status, ClipStatus::ok) << clip.message;
  EXPECT_EQ(det.last_input, cv::Size(160, 120));
  ASSERT_EQ(clip.frames.size(), 24u);
  EXPECT_EQ(clip.n_tracks, 1);
  for (int i = 0; i < 24; ++i) {
    const cv::Rect2f want(20.0f + 8 * i, 90, 60, 60);
    EXPECT_NEAR(clip.face_boxes[i].x, want.x, 3.0) << i;
    EXPECT_NEAR(clip.face_boxes[i].width, want.width, 4.0) << i;
    EXPECT_EQ(clip.frames[i].size(), cv::Size(64, 64));
    EXPECT_NEAR(clip.crop_boxes[i].width, 1.5f * clip.face_boxes[i].width, 1e-3);
    EXPECT_EQ(clip.detected[i], (i == 9 || i == 10) ? 0 : 1) << i;
    EXPECT_EQ(clip.frame_indices[i], i);
    if (i != 9 && i != 10) {
      // The face fills the centre of the crop; the margin ring is background.
      cv::Mat c = clip.frames[i];
      EXPECT_GT(cv::mean(c(cv::Rect(24, 24, 16, 16)))[0], 230) << i;
      EXPECT_LT(cv::mean(c(cv::Rect(0, 0, 64, 4)))[0], 60) << i;
      ASSERT_EQ(clip.landmarks[i].size(), 1u);
      EXPECT_NEAR(clip.landmarks[i][0].x, 32.0, 2.5);   // the blob centre is the crop centre
    } else {
      EXPECT_TRUE(clip.landmarks[i].empty());
    }
  }
  cv::Mat sheet = make_contact_sheet(clip, 4, 160);
  EXPECT_EQ(sheet.size(), cv::Size(4 * 160, 6 * 120));
}

// Track-guided detection finds what whole-frame detection finds, searching less: around the last
// faces, the whole frame every n-th frame, after a frame without faces, and when the face is lost.
TEST_F(FaceExtractorTest, TrackGuidedDetectionSearchesAroundTheLastFaces) {
  for (const char* name : {"square.mp4", "jump.mp4"}) {
    SCOPED_TRACE(name);
    FaceExtractOptions opt;
    opt.sampling = FrameSampling::all();
    opt.detect_max_side = 0;
    BlobDetector whole_frame;
    const FaceClip want = extract_faces(file(name), whole_frame, opt);
    ASSERT_EQ(want.detections.size(), 24u);
    opt.roi_full_every = 8;
    BlobDetector guided;
    const FaceClip got = extract_faces(file(name), guided, opt);
    ASSERT_EQ(got.detections.size(), 24u);
    for (int i = 0; i < 24; ++i) {
      ASSERT_EQ(got.detections[i].size(), want.detections[i].size()) << i;
      for (std::size_t k = 0; k < got.detections[i].size(); ++k) {
        const cv::Rect2f a = got.detections[i][k].box, b = want.detections[i][k].box;
        EXPECT_NEAR(a.x, b.x, 1.0) << i;
        EXPECT_NEAR(a.y, b.y, 1.0) << i;
        EXPECT_NEAR(a.width, b.width, 1.0) << i;
        ASSERT_EQ(got.detections[i][k].landmarks.size(), 1u);
        EXPECT_NEAR(got.detections[i][k].landmarks[0].x, want.detections[i][k].landmarks[0].x, 1.0) << i;
      }
    }
    const auto whole = static_cast<int>(std::count(guided.inputs.begin(), guided.inputs.end(), cv::Size(320, 240)));
    if (std::string(name) == "square.mp4") {
      // Whole frame at 0, 8, 16 (every 8th), 9 (lost: the square is gone), 10 and 11 (after
      // frames without it); a search region on the other 19 frames, frame 9 among them.
      EXPECT_EQ(whole, 6);
      EXPECT_EQ(guided.calls, 25);
    } else {
      EXPECT_EQ(whole, 4);   // 0, 8, 16, and 5 where the square jumped out of the region
      EXPECT_EQ(guided.calls, 25);
    }
    for (const cv::Size& s : guided.inputs) {
      if (s != cv::Size(320, 240)) {
        EXPECT_LE(s.area(), 180 * 180);
      }
    }   // 60 px box grown by 60 px each side
  }
  // A followed face larger than roi_face_px is searched on a shrunk copy of the region: the same
  // boxes, to the shrunk copy's precision.
  {
    FaceExtractOptions opt;
    opt.sampling = FrameSampling::all();
    opt.detect_max_side = 0;
    BlobDetector whole_frame, shrunk;
    const FaceClip want = extract_faces(file("square.mp4"), whole_frame, opt);
    opt.roi_full_every = 8;
    opt.roi_face_px = 30;   // the 60-px square is searched at half size
    const FaceClip got = extract_faces(file("square.mp4"), shrunk, opt);
    for (int i = 0; i < 24; ++i) {
      ASSERT_EQ(got.detections[i].size(), want.detections[i].size()) << i;
      if (!got.detections[i].empty()) {
        EXPECT_NEAR(got.detections[i][0].box.x, want.detections[i][0].box.x, 2.5) << i;
        EXPECT_NEAR(got.detections[i][0].box.width, want.detections[i][0].box.width, 2.5) << i;
      }
    }
    int half = 0;   // region inputs: about (60 + 2 * 60) / 2 = 90 px on a side
    for (const cv::Size& s : shrunk.inputs) half += s.width <= 95 && s.height <= 95;
    EXPECT_EQ(half, 19);
  }
  FaceExtractOptions off, on;
  on.roi_full_every = 4;
  EXPECT_EQ(off.canonical().find("roi"), std::string::npos);   // cache keys made before the option stay valid
  EXPECT_NE(on.canonical(), off.canonical());
  on.roi_margin = 0.0;
  EXPECT_THROW(on.validate(), std::invalid_argument);
}

TEST_F(FaceExtractorTest, UniformSamplingAndFixedBox) {
  BlobDetector det;
  FaceExtractOptions opt;
  opt.sampling = FrameSampling::uniform(6);
  opt.fixed_box = true;
  opt.crop.size = 32;
  FaceClip clip = extract_faces(file("square.mp4"), det, opt);
  ASSERT_EQ(clip.status, ClipStatus::ok) << clip.message;
  EXPECT_EQ(det.calls, 6);
  ASSERT_EQ(clip.frames.size(), 6u);
  EXPECT_EQ(clip.frame_indices, (std::vector<int64_t>{0, 4, 8, 12, 16, 20}));
  for (const auto& b : clip.crop_boxes) EXPECT_EQ(b, clip.crop_boxes.front());
  // The fixed box encloses the face's whole path: x from 20 to 20 + 8*20 + 60 = 240.
  EXPECT_LE(clip.crop_boxes[0].x, 20.0f);
  EXPECT_GE(clip.crop_boxes[0].x + clip.crop_boxes[0].width, 240.0f);
}

TEST_F(FaceExtractorTest, NoFacePolicies) {
  BlobDetector det;
  FaceExtractOptions opt;
  opt.sampling = FrameSampling::uniform(4);
  opt.crop.size = 48;
  FaceClip centre = extract_faces(file("empty_scene.mp4"), det, opt);
  EXPECT_EQ(centre.status, ClipStatus::no_face);
  ASSERT_EQ(centre.frames.size(), 4u);
  EXPECT_EQ(centre.crop_boxes[0], cv::Rect2f(40, 0, 240, 240));
  EXPECT_NE(centre.message.find("empty_scene.mp4"), std::string::npos);
  opt.no_face = NoFacePolicy::mark;
  FaceClip marked = extract_faces(file("empty_scene.mp4"), det, opt);
  EXPECT_EQ(marked.status, ClipStatus::no_face);
  EXPECT_TRUE(marked.frames.empty());
}

// hold_yuv keeps the decoder's yuv pictures instead of BGR until the crops are cut: the crops
// must be the very same pixels (same conversion), for tracked faces, a fixed box and no face.
TEST_F(FaceExtractorTest, HoldingYuvGivesIdenticalCrops) {
  struct Case { const char* clip; bool fixed; };
  for (const Case c : {Case{"square.mp4", false}, Case{"square.mp4", true}, Case{"empty_scene.mp4", false}}) {
    BlobDetector det;
    FaceExtractOptions opt;
    opt.sampling = FrameSampling::uniform(8);
    opt.crop.size = 48;
    opt.fixed_box = c.fixed;
    const FaceClip bgr = extract_faces(file(c.clip), det, opt);
    const std::string key = opt.canonical();
    opt.hold_yuv = true;
    const FaceClip yuv = extract_faces(file(c.clip), det, opt);
    EXPECT_EQ(opt.canonical(), key);   // same crops, so the same cache entries
    ASSERT_EQ(yuv.status, bgr.status) << c.clip;
    ASSERT_EQ(yuv.frames.size(), 8u) << c.clip;
    ASSERT_EQ(bgr.frames.size(), 8u) << c.clip;
    for (std::size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(yuv.crop_boxes[i], bgr.crop_boxes[i]) << c.clip << " " << i;
      EXPECT_EQ(yuv.frame_indices[i], bgr.frame_indices[i]);
      EXPECT_EQ(cv::norm(yuv.frames[i], bgr.frames[i], cv::NORM_INF), 0.0) << c.clip << " " << i;
    }
  }
}

TEST_F(FaceExtractorTest, BadFilesGiveAStatus) {
  BlobDetector det;
  const std::string junk = file("junk.mp4");
  std::ofstream(junk) << "not a video at all";
  FaceClip c = extract_faces(junk, det);
  EXPECT_EQ(c.status, ClipStatus::failed);
  EXPECT_NE(c.message.find(junk), std::string::npos);
  const std::string wav = file("a.wav");
  test::write_wav(wav, 0.5);
  EXPECT_EQ(extract_faces(wav, det).status, ClipStatus::no_video);
  EXPECT_EQ(det.calls, 0);
  FaceExtractOptions bad;
  bad.crop.margin = 0.2f;
  EXPECT_THROW(extract_faces(junk, det, bad), std::invalid_argument);
  EXPECT_NE(FaceExtractOptions{}.canonical(), bad.canonical());
  // align is a crop setting of its own (cache key), never silently dropped: without an aligner or
  // with fixed_box it is an error.
  FaceExtractOptions aligned;
  aligned.align = true;
  EXPECT_NE(aligned.canonical(), FaceExtractOptions{}.canonical());
  EXPECT_NE(aligned.canonical().find("align=dlib68"), std::string::npos);
  EXPECT_THROW(extract_faces(junk, det, aligned), std::invalid_argument);
  aligned.fixed_box = true;
  EXPECT_THROW(aligned.validate(), std::invalid_argument);
  // landmarks68 (dlib's points on unaligned crops) is a cache key part only when on, so caches
  // made before it existed keep their keys; without an aligner it is an error.
  FaceExtractOptions marked;
  marked.landmarks68 = true;
  EXPECT_NE(marked.canonical().find(";landmarks=dlib68"), std::string::npos);
  EXPECT_EQ(FaceExtractOptions{}.canonical().find("landmarks="), std::string::npos);
  EXPECT_THROW(extract_faces(junk, det, marked), std::invalid_argument);
  marked.align = true;
  EXPECT_EQ(marked.canonical().find("landmarks="), std::string::npos) << "align carries the 68 points already";
}

// The FFDV sample clips in ../shared with OpenCV's frontal Haar cascade; skipped without them.
class FaceExtractorRealClips : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(dir_)) GTEST_SKIP() << "shared data missing: " << dir_;
    if (!fs::exists(xml_)) GTEST_SKIP() << "opencv-data missing: " << xml_;
    ASSERT_TRUE(haar.ok);
  }
  std::vector<std::string> clips() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().extension() == ".mp4") out.push_back(e.path().string());
    return out;
  }
  const std::string dir_ = std::string(DFLAB_SHARED_DIR) + "/data/ffdv-sample/trainset";
  const std::string xml_ = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
  HaarDetector haar{xml_};
};

TEST_F(FaceExtractorRealClips, HaarFindsTheFaceInFfdvClips) {
  int with_face = 0, n = 0;
  for (const std::string& path : clips()) {
    FaceExtractOptions opt;
    opt.sampling = FrameSampling::uniform(8);
    FaceClip clip = extract_faces(path, haar, opt);
    ++n;
    EXPECT_TRUE(clip.status == ClipStatus::ok || clip.status == ClipStatus::no_face) << clip.message;
    if (clip.status == ClipStatus::ok) {
      ++with_face;
      ASSERT_EQ(clip.frames.size(), 8u);
      EXPECT_EQ(clip.frames[0].size(), cv::Size(224, 224));
      // A frontal face track should be stable: its box moves less than half its size per sample.
      for (size_t i = 1; i < clip.face_boxes.size(); ++i)
        EXPECT_LT(std::abs(clip.face_boxes[i].x - clip.face_boxes[i - 1].x), clip.face_boxes[i].width / 2);
    }
  }
  ASSERT_GT(n, 0);
  EXPECT_GE(with_face, n - 1) << "Haar should find the face in nearly every talking-head clip";
}

// On real clips, track-guided Haar finds the face in the same sampled frames as whole-frame Haar,
// at nearly the same box.
TEST_F(FaceExtractorRealClips, TrackGuidedHaarMatchesWholeFrameHaar) {
  int frames_with_face = 0, matched = 0;
  for (const std::string& path : clips()) {
    FaceExtractOptions opt;
    opt.sampling = FrameSampling::uniform(16);
    const FaceClip whole = extract_faces(path, haar, opt);
    opt.roi_full_every = 4;
    const FaceClip guided = extract_faces(path, haar, opt);
    ASSERT_EQ(whole.detections.size(), guided.detections.size()) << path;
    for (std::size_t i = 0; i < whole.detections.size(); ++i) {
      if (whole.detections[i].empty()) continue;
      ++frames_with_face;
      const cv::Rect2f w = whole.detections[i][0].box;
      for (const FaceDetection& g : guided.detections[i])
        if ((w & g.box).area() / (w | g.box).area() >= 0.7f) {
          ++matched;
          break;
        }
    }
  }
  ASSERT_GT(frames_with_face, 0);
  EXPECT_GE(matched, frames_with_face * 95 / 100) << matched << " of " << frames_with_face;
}

}  // namespace
}  // namespace dflab
