#pragma once
// Video decoding with libavformat/libavcodec + libswscale, streaming the sampled frames as BGR
// cv::Mat to a visitor; a whole video's frames are never held.
//
//   DecodeReport r = decode_video("clip.mp4", FrameSampling::uniform(16),
//       [&](const VideoFrame& f) { use(f.bgr, f.index, f.timestamp_s); return true; });
//   if (r.status != DecodeStatus::ok) log(r.message);   // message names the file
//
// Only what is needed is decoded: frames not selected are never colour-converted, decoding stops
// after the last selected frame, and for time-based sampling (uniform, rate, window start) the
// decoder drops non-reference frames that lie before the next target (skip_nonref) and/or seeks to
// the key frame before a target when that skips data (seek). All give the same frames as decoding
// everything; reports/video_bench.md measures them (skip_nonref wins for 16 frames over 10 s, seek
// for sparse sampling, both together — the default — in every case).
//
// Rotation metadata (display matrix) is applied, so frames come out upright as players show them.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "modalities/media/av_handles.h"
#include "modalities/video/frame_sampler.h"

namespace dflab {

struct VideoInfo {
  std::string path;
  int width = 0, height = 0;             // upright (after rotation), pixels
  int coded_width = 0, coded_height = 0; // as stored in the stream
  int rotation_deg = 0;                  // clockwise rotation applied to stored frames: 0/90/180/270
  double fps = 0.0;                      // average frame rate (0 when unknown)
  double start_s = 0.0;                  // stream start time (timestamps are relative to it)
  double duration_s = 0.0;               // 0 when the container does not say
  std::int64_t n_frames = 0;             // from the container; 0 when unknown (an estimate at best)
  std::string codec;
};

struct VideoFrame {
  cv::Mat bgr;               // CV_8UC3, upright; owned by the visitor once handed over
  std::int64_t index = 0;    // frame number in presentation order (see index_exact)
  double timestamp_s = 0.0;  // presentation time, seconds from the stream start
  // True when index counts every frame decoded from the start; false after skipping or seeking,
  // where it is round(timestamp * fps) (exact for constant frame rate).
  bool index_exact = true;
  // With DecodeOptions::keep_source: the decoded picture itself (a reference to the decoder's
  // yuv buffer, ~half the bytes of bgr for yuv420p), for VideoDecoder::to_bgr() later.
  std::shared_ptr<AVFrame> source;
};

enum class DecodeStatus {
  ok,        // every selected frame delivered
  partial,   // frames were delivered, then a decode error or premature end: what came is usable
  no_video,  // the file has no video stream (e.g. audio only)
  failed,    // nothing usable: missing, zero-length, corrupt, truncated before the first frame
};
const char* to_string(DecodeStatus s);

struct DecodeReport {
  DecodeStatus status = DecodeStatus::ok;
  std::string message;             // empty when ok; names the file otherwise
  std::int64_t n_decoded = 0;      // frames that came out of the decoder
  std::int64_t n_selected = 0;     // frames handed to the visitor
  std::int64_t n_seeks = 0;
  std::int64_t n_decode_errors = 0;  // packets the decoder rejected (the decode went on)
};

enum class DecodeMode {
  all,          // decode every frame up to the last selected one
  skip_nonref,  // drop non-reference frames before the next target (AVDISCARD_NONREF)
  seek,         // jump to the key frame before a target when it lies past the read position
  automatic,    // both: seek where the index allows, drop non-reference frames before targets;
                // best or equal-best in every case of reports/video_bench.md
};
const char* to_string(DecodeMode m);
DecodeMode parse_decode_mode(const std::string& name);

// Bumped whenever decoded pixels change for the same file, so that caches of crops made by an
// older decoder are not reused: 2 = colour matrix and range taken from the stream's tags (BT.709
// clips read up to 25 levels differently from version 1).
constexpr int kDecodedPixelsVersion = 2;

struct DecodeOptions {
  DecodeMode mode = DecodeMode::automatic;
  int threads = 1;             // libav decoder threads (0 = libav picks)
  bool apply_rotation = true;
  bool keep_source = false;    // fill VideoFrame::source (hold yuv instead of BGR: extract_faces)
};

// Return false to stop decoding early (the report stays ok).
using FrameVisitor = std::function<bool(VideoFrame&)>;

class VideoDecoder {
 public:
  // Opens the file and its best video stream. Throws MediaError naming the file; NoVideoStream
  // (a MediaError) when there is none.
  explicit VideoDecoder(const std::string& path, DecodeOptions options = {});
  const VideoInfo& info() const { return info_; }

  // One pass over the file with a fresh selector. Decode errors after the open are reported in
  // the returned report (partial / failed), not thrown; exceptions from the visitor propagate.
  DecodeReport run(const FrameSampling& sampling, const FrameVisitor& visit);

  // The BGR picture of a VideoFrame::source from this decoder: the same pixels as VideoFrame::bgr
  // (same conversion and rotation). Throws MediaError when the format cannot be converted.
  cv::Mat to_bgr(const AVFrame& source);

 private:
  double clip_end_s();
  void convert(const AVFrame* frame, cv::Mat& out);

  std::string path_;
  DecodeOptions opt_;
  FormatContextPtr fmt_;
  CodecContextPtr codec_;
  SwsContextPtr sws_;
  cv::Mat scratch_;   // aligned conversion buffer for widths whose BGR rows are not 64-byte multiples
  int stream_index_ = -1;
  VideoInfo info_;
  bool scanned_end_ = false;
  bool ran_ = false;
};

class NoVideoStream : public MediaError {
 public:
  using MediaError::MediaError;
};

// Reads the stream header only. Throws MediaError naming the file.
VideoInfo probe_video(const std::string& path);

// Opens, runs and closes, turning every open failure into a report: never throws for bad files.
DecodeReport decode_video(const std::string& path, const FrameSampling& sampling,
                          const FrameVisitor& visit, const DecodeOptions& options = {});

}  // namespace dflab
