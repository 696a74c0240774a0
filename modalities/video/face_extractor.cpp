#include "modalities/video/face_extractor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace dflab {

const char* to_string(NoFacePolicy p) {
  return p == NoFacePolicy::centre_crop ? "centre_crop" : "mark";
}

NoFacePolicy parse_no_face_policy(const std::string& name) {
  if (name == "centre_crop") return NoFacePolicy::centre_crop;
  if (name == "mark") return NoFacePolicy::mark;
  throw std::invalid_argument("unknown no-face policy '" + name + "' (one of: centre_crop, mark)");
}

const char* to_string(ClipStatus s) {
  switch (s) {
    case ClipStatus::ok: return "ok";
    case ClipStatus::partial: return "partial";
    case ClipStatus::no_face: return "no_face";
    case ClipStatus::no_video: return "no_video";
    case ClipStatus::failed: return "failed";
  }
  return "?";
}

ClipStatus parse_clip_status(const std::string& name) {
  for (auto s : {ClipStatus::ok, ClipStatus::partial, ClipStatus::no_face, ClipStatus::no_video,
                 ClipStatus::failed})
    if (name == to_string(s)) return s;
  throw std::invalid_argument("unknown clip status '" + name + "'");
}

void FaceExtractOptions::validate() const {
  sampling.validate();
  crop.validate();
  if (detect_max_side < 0) throw std::invalid_argument("detect_max_side must be >= 0");
  if (roi_full_every < 0) throw std::invalid_argument("roi_full_every must be >= 0");
  if (!(roi_margin >= 0.1 && roi_margin <= 10.0)) throw std::invalid_argument("roi_margin must be in [0.1, 10]");
  if (roi_face_px < 0) throw std::invalid_argument("roi_face_px must be >= 0");
  if (align && fixed_box) throw std::invalid_argument("align and fixed_box exclude each other (one box per clip has no pose to align)");
  if (aligner && !align && !landmarks68)
    throw std::invalid_argument("a landmark aligner is set but align and landmarks68 are off");
  FaceTracker check(tracker);   // throws on bad tracker options
}

FaceExtractOptions FaceExtractRequest::options() const {
  FaceExtractOptions opt;
  opt.sampling = frame_sampling(strategy, frames, rate, every);
  opt.crop.size = size;
  opt.crop.margin = margin;
  opt.detect_max_side = max_side;
  opt.fixed_box = fixed_box;
  opt.align = align;
  if (roi_every < 0) throw std::invalid_argument("roi_every must be >= 0, got " + std::to_string(roi_every));
  opt.roi_full_every = roi_every;
  opt.no_face = parse_no_face_policy(no_face);
  opt.decode.mode = parse_decode_mode(decode);
  // Hold the sampled frames as yuv until the crops are cut: same crops, ~45 MB less peak memory
  // for 16 × 1080p (a process with libtorch already carries 168 MB; reports/video_bench.md).
  opt.hold_yuv = true;
  opt.validate();
  return opt;
}

std::string FaceExtractOptions::canonical() const {
  std::ostringstream os;
  os << "sampling=" << sampling.canonical() << ";detect_max_side=" << detect_max_side
     << ";iou=" << tracker.iou_threshold << ";max_gap=" << tracker.max_gap
     << ";smooth=" << tracker.smooth_window << ";min_det=" << tracker.min_detections << ";"
     << crop.canonical() << ";fixed_box=" << fixed_box << ";no_face=" << to_string(no_face)
     << ";rotation=" << decode.apply_rotation << ";align=" << (align ? "dlib68" : "none");
  // Only when on, so that caches made before these options existed keep their keys.
  if (landmarks68 && !align) os << ";landmarks=dlib68";
  if (roi_full_every > 0)
    os << ";roi_every=" << roi_full_every << ";roi_margin=" << roi_margin << ";roi_face_px=" << roi_face_px;
  return os.str();
}

namespace {

// The search region around the previous frame's faces, in `image` pixels: each box grown by
// margin × its side on every side, their union, clipped. Empty when there is nothing to follow.
cv::Rect roi_around(const std::vector<FaceDetection>& previous, double to_image, double margin, cv::Size image) {
  cv::Rect2f u;
  for (const FaceDetection& d : previous) {
    const float gx = static_cast<float>(margin) * d.box.width, gy = static_cast<float>(margin) * d.box.height;
    const cv::Rect2f grown(d.box.x - gx, d.box.y - gy, d.box.width + 2 * gx, d.box.height + 2 * gy);
    u = u.area() > 0 ? (u | grown) : grown;
  }
  const auto s = static_cast<float>(to_image);
  const cv::Rect r(cvFloor(u.x * s), cvFloor(u.y * s), cvCeil(u.width * s), cvCeil(u.height * s));
  return r & cv::Rect(0, 0, image.width, image.height);
}

}  // namespace

FaceClip extract_faces(const std::string& path, FaceDetector& detector,
                       const FaceExtractOptions& opt) {
  opt.validate();
  if ((opt.align || opt.landmarks68) && !opt.aligner)
    throw std::invalid_argument(std::string(opt.align ? "align" : "landmarks68") +
                                " is on but no landmark aligner was given");
  FaceClip clip;
  clip.path = path;

  // Pass: decode the sampled frames, detect on a downscaled copy, map boxes back.
  std::vector<cv::Mat> frames;   // full-size sampled frames, until tracking is done
  std::vector<std::shared_ptr<AVFrame>> sources;   // instead of frames, with hold_yuv
  std::unique_ptr<VideoDecoder> decoder_ptr;       // kept for to_bgr() with hold_yuv
  FaceTracker tracker(opt.tracker);
  DecodeReport report;
  try {
    DecodeOptions dopt = opt.decode;
    dopt.keep_source = opt.hold_yuv;
    decoder_ptr = std::make_unique<VideoDecoder>(path, dopt);
    VideoDecoder& decoder = *decoder_ptr;
    clip.info = decoder.info();
    const int longer = std::max(clip.info.width, clip.info.height);
    const double scale = opt.detect_max_side > 0 && longer > opt.detect_max_side
                             ? static_cast<double>(opt.detect_max_side) / longer
                             : 1.0;
    clip.sampled_scale = scale;
    report = decoder.run(opt.sampling, [&](VideoFrame& f) {
      cv::Mat small;
      if (scale < 1.0)
        cv::resize(f.bgr, small, cv::Size(), scale, scale, cv::INTER_AREA);
      else
        small = f.bgr;
      // Detects in `region` of the detection copy (whole copy when empty), shrunk by `shrink`;
      // boxes come back in frame pixels: (detected px / shrink + offset) / scale.
      auto detect_in = [&](const cv::Rect& region, double shrink) {
        cv::Mat input = region.area() > 0 ? small(region) : small;
        if (shrink < 1.0) cv::resize(input, input, cv::Size(), shrink, shrink, cv::INTER_AREA);
        else if (region.area() > 0) input = input.clone();
        std::vector<FaceDetection> found = detector.detect(input);
        const auto inv = static_cast<float>(1.0 / scale), unshrink = static_cast<float>(1.0 / shrink);
        const cv::Point2f offset(static_cast<float>(region.x), static_cast<float>(region.y));
        for (auto& d : found) {
          d.box = cv::Rect2f((d.box.x * unshrink + offset.x) * inv, (d.box.y * unshrink + offset.y) * inv,
                             d.box.width * unshrink * inv, d.box.height * unshrink * inv);
          for (auto& p : d.landmarks) p = (p * unshrink + offset) * inv;
        }
        return found;
      };
      const std::size_t i = clip.timestamps_s.size();
      std::vector<FaceDetection> dets;
      const bool follow = opt.roi_full_every > 0 && i % static_cast<std::size_t>(opt.roi_full_every) != 0 &&
                          !clip.detections.empty() && !clip.detections.back().empty();
      cv::Rect roi;
      double shrink = 1.0;
      if (follow) {
        roi = roi_around(clip.detections.back(), scale, opt.roi_margin, small.size());
        // Faces far larger than the detector needs are searched on a smaller copy: the detector's
        // smallest (and most numerous) windows then cover only faces near the followed size.
        double face = std::numeric_limits<double>::infinity();
        for (const FaceDetection& d : clip.detections.back())
          face = std::min(face, static_cast<double>(std::min(d.box.width, d.box.height)) * scale);
        if (opt.roi_face_px > 0 && face > opt.roi_face_px) shrink = opt.roi_face_px / face;
      }
      if (roi.area() > 0 && (roi.size() != small.size() || shrink < 1.0)) dets = detect_in(roi, shrink);
      if (dets.empty()) dets = detect_in(cv::Rect(), 1.0);   // whole frame: not following, or lost
      tracker.update(static_cast<int>(i), dets);
      clip.detections.push_back(std::move(dets));
      if (opt.keep_sampled_frames) clip.sampled_frames.push_back(small.clone());
      clip.timestamps_s.push_back(f.timestamp_s);
      clip.frame_indices.push_back(f.index);
      if (opt.hold_yuv)
        sources.push_back(std::move(f.source));
      else
        frames.push_back(std::move(f.bgr));
      return true;
    });
  } catch (const NoVideoStream& e) {
    clip.status = ClipStatus::no_video;
    clip.message = e.what();
    return clip;
  } catch (const MediaError& e) {
    clip.status = ClipStatus::failed;
    clip.message = e.what();
    return clip;
  }
  if (!opt.hold_yuv) decoder_ptr.reset();   // frees the codec's buffers before cropping
  if (report.status == DecodeStatus::failed || clip.timestamps_s.empty()) {
    clip.status = ClipStatus::failed;
    clip.message = report.message.empty() ? path + ": no frame selected" : report.message;
    clip.timestamps_s.clear();
    clip.frame_indices.clear();
    return clip;
  }

  std::vector<FaceTrack> tracks = tracker.finish();
  clip.n_tracks = static_cast<int>(tracks.size());
  const int n = static_cast<int>(clip.timestamps_s.size());
  const int size = opt.crop.size;
  // The full-size BGR sampled frame i, then released (crops are small).
  auto take_frame = [&](int i) {
    cv::Mat full;
    if (opt.hold_yuv) {
      full = decoder_ptr->to_bgr(*sources[i]);
      sources[i].reset();
    } else {
      full = std::move(frames[i]);
    }
    return full;
  };

  if (tracks.empty()) {
    clip.status = ClipStatus::no_face;
    clip.message = path + ": no face found in " + std::to_string(n) + " sampled frames";
    if (!report.message.empty()) clip.message += "; " + report.message;
    if (opt.no_face == NoFacePolicy::mark) {
      clip.timestamps_s.clear();
      clip.frame_indices.clear();
      return clip;
    }
    for (int i = 0; i < n; ++i) {
      const cv::Mat full = take_frame(i);
      const cv::Rect2f box = centre_box(full.size());
      clip.frames.push_back(crop_square(full, box, size, opt.crop.border));
      clip.crop_boxes.push_back(box);
      clip.face_boxes.push_back(box);
      clip.landmarks.emplace_back();
      clip.detected.push_back(0);
    }
    return clip;
  }

  const FaceTrack& main = tracks.front();
  const cv::Rect2f fixed = square_box(main.enclosing_box(), opt.crop.margin);
  for (int i = 0; i < n; ++i) {
    // Frames outside the track's span take its nearest box: the face is most likely still there.
    const TrackedBox& tb = *main.at(std::clamp(i, main.first(), main.last()));
    const cv::Rect2f crop_box = opt.fixed_box ? fixed : square_box(tb.box, opt.crop.margin);
    const bool here = tb.frame == i && !tb.interpolated;
    const cv::Mat full = take_frame(i);
    if (opt.align) {
      AlignedFace a = align_face(full, opt.aligner->landmarks(full, tb.box), size, opt.crop.margin);
      clip.frames.push_back(std::move(a.crop));
      clip.landmarks.push_back(std::move(a.landmarks));
    } else {
      clip.frames.push_back(crop_square(full, crop_box, size, opt.crop.border));
      // dlib's 68 points also where the track was interpolated: the face is most likely there,
      // and a blending augmentation needs the outline of the face the crop shows.
      if (opt.landmarks68)
        clip.landmarks.push_back(to_crop_coords(opt.aligner->landmarks(full, tb.box), crop_box, size));
      else
        clip.landmarks.push_back(here ? to_crop_coords(tb.landmarks, crop_box, size)
                                      : std::vector<cv::Point2f>{});
    }
    clip.crop_boxes.push_back(crop_box);
    clip.face_boxes.push_back(tb.box);
    clip.detected.push_back(here ? 1 : 0);
  }
  clip.status = report.status == DecodeStatus::partial ? ClipStatus::partial : ClipStatus::ok;
  clip.message = report.message;
  return clip;
}

}  // namespace dflab
