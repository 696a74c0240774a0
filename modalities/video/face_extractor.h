#pragma once
// The video → face crops pipeline: decode and sample frames, detect faces on a downscaled copy,
// track them, and cut square crops of the main face.
//
//   auto det = registry.create<FaceDetector>(kind::face_detector, "haar", params);
//   FaceExtractOptions opt;                       // 16 uniform frames, 224 px, margin 1.3
//   FaceClip clip = extract_faces("clip.mp4", *det, opt);
//   if (clip.status == ClipStatus::ok) train_on(clip.frames);   // k crops, size × size BGR
//
// Bad files never throw: the status says what happened and message names the file. Memory: the
// k sampled frames are held until tracking is done (16 × 1080p ≈ 100 MB as BGR, ≈ 50 MB with
// hold_yuv); use a window with dense sampling of long videos.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "modalities/video/face_align.h"
#include "modalities/video/face_crop.h"
#include "modalities/video/face_detector.h"
#include "modalities/video/face_tracker.h"
#include "modalities/video/frame_sampler.h"
#include "modalities/video/video_decoder.h"

namespace dflab {

enum class NoFacePolicy {
  centre_crop,  // crops of the centre square, status no_face
  mark,         // no crops, status no_face (the video gets the prior score at prediction time)
};
const char* to_string(NoFacePolicy p);
NoFacePolicy parse_no_face_policy(const std::string& name);   // "centre_crop" | "mark"

enum class ClipStatus {
  ok,        // crops of a tracked face
  partial,   // crops of a tracked face from a file that broke part way (decode partial)
  no_face,   // decoded, but no face track (see NoFacePolicy)
  no_video,  // no video stream
  failed,    // nothing decodable
};
const char* to_string(ClipStatus s);
ClipStatus parse_clip_status(const std::string& name);

struct FaceExtractOptions {
  FrameSampling sampling = FrameSampling::uniform(16);
  DecodeOptions decode;
  int detect_max_side = 640;   // detect on a copy whose longer side is at most this (0: full size)
  // Track-guided detection (0: off, the whole frame every time). With n > 0, a sampled frame that
  // follows one with faces is searched only around those faces (each box grown by roi_margin × its
  // side on every side, the union of them); the whole frame is searched when that finds nothing,
  // after a frame without faces, and at least every n-th sampled frame (new faces). Cheaper in
  // proportion to the area skipped (reports/video_bench.md); a face that moves further than the
  // margin between two sampled frames is found again by the whole-frame fallback.
  int roi_full_every = 0;
  double roi_margin = 1.0;
  // In the search region, a followed face larger than this (detection-copy pixels) is searched on
  // a copy shrunk to bring it to this size (0: never shrink). Most of a sliding-window detector's
  // work is its smallest windows; a face known to be 170 px needs none of them.
  double roi_face_px = 80.0;
  TrackerOptions tracker;
  CropOptions crop;
  bool fixed_box = false;      // one crop box enclosing the main face over the whole clip
  NoFacePolicy no_face = NoFacePolicy::centre_crop;
  bool keep_sampled_frames = false;   // keep the downscaled detection frames (contact sheets)
  // Hold the sampled frames until tracking as the decoder's yuv pictures (yuv420p: half the bytes
  // of BGR, 16 × 1080p ≈ 50 MB instead of 100 MB) and convert each again to BGR for its crop
  // (CPU within noise of holding BGR in reports/video_bench.md). Same crops either way, so not
  // part of canonical().
  bool hold_yuv = false;
  // Crops aligned on dlib's 68 landmarks (face_align.h) instead of cut square around the tracked
  // box; `landmarks` then holds those 68 points. extract_faces needs `aligner` (not owned; one may
  // serve several threads) when align is on. Excludes fixed_box: one box for a whole clip has no
  // per-frame pose to align, and a setting must not be accepted and ignored.
  bool align = false;
  // dlib's 68 landmarks of the tracked box on every crop (in crop pixels), without aligning: the
  // face outline that blending augmentations (self_blend, face_blend) cut their mask from. Needs
  // `aligner` too; implied by align (whose crops carry the 68 points already). Crops without a
  // face track (centre crops under NoFacePolicy::centre_crop) get none.
  bool landmarks68 = false;
  const LandmarkAligner* aligner = nullptr;   // with align or landmarks68

  void validate() const;
  // Canonical text of everything that changes the crops (not the detector's own parameters):
  // part of cache keys.
  std::string canonical() const;
};

// The settings `dflab video faces` and `dflab.video.faces` take, by the names a user types.
// options() maps them onto FaceExtractOptions (hold_yuv on: same crops, less peak memory) and
// validates them: std::invalid_argument names a bad one.
struct FaceExtractRequest {
  std::string strategy = "uniform";   // frame sampling: uniform, rate, every_nth, all
  int frames = 16;                    // uniform
  double rate = 15.0;                 // rate: frames per second
  int every = 1;                      // every_nth
  int size = 224;
  float margin = 1.3f;
  int max_side = 640;
  int roi_every = 0;
  bool fixed_box = false;
  bool align = false;
  std::string no_face = "centre_crop";
  std::string decode = "auto";

  FaceExtractOptions options() const;
};

struct FaceClip {
  std::string path;
  ClipStatus status = ClipStatus::failed;
  std::string message;                          // empty when ok; names the file otherwise
  VideoInfo info;                               // zero when the file could not be opened

  // One entry per crop (per sampled frame), in time order:
  std::vector<cv::Mat> frames;                  // size × size BGR crops
  std::vector<cv::Rect2f> crop_boxes;           // square crop box, frame pixels
  std::vector<cv::Rect2f> face_boxes;           // tracked (smoothed) face box, frame pixels
  std::vector<std::vector<cv::Point2f>> landmarks;   // detector landmarks in crop pixels (may be empty)
  std::vector<double> timestamps_s;
  std::vector<std::int64_t> frame_indices;
  std::vector<std::uint8_t> detected;           // 1: detector found the face here; 0: interpolated/filled

  // Per sampled frame (also when no crop was made):
  std::vector<std::vector<FaceDetection>> detections;   // raw detections, frame pixels
  std::vector<cv::Mat> sampled_frames;          // downscaled frames, with keep_sampled_frames
  double sampled_scale = 1.0;                   // sampled_frames pixels per frame pixel
  int n_tracks = 0;
};

// Never throws for bad input files; throws std::invalid_argument for bad options (also align
// without an aligner).
FaceClip extract_faces(const std::string& path, FaceDetector& detector,
                       const FaceExtractOptions& options = {});

}  // namespace dflab
