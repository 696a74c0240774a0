#pragma once
// h264_reencode: compress the clip's frames as one H.264 stream in memory (libavcodec + libx264)
// at a random frame rate, CRF and scale, and decode them back — the compression augmentation of
// the DFDC 1st place (there: ffmpeg CLI, fps 15..30, CRF 17..40, scale 0.25..1). The frames are
// scaled down by `scale` before encoding (bicubic, to even sizes >= 16 px) and back up to the crop
// size after decoding, so low scales add resampling blur on top of the codec's blocking and
// ringing. One fps, CRF and scale per clip; the frames are pictures of one stream (a single frame
// is a one-picture stream, i.e. an intra frame). Encoder: one thread, `preset`, tuned for nothing,
// no files touched.
//
// Frame rate, as ffmpeg's fps filter: frame i, at t_i seconds (sample.timestamps_s, or
// i / source_fps when the sample has none), falls in slot floor(t_i * fps) (t_i taken 1 ms late,
// for timestamps rounded to a container's time base); the first frame of each slot is encoded,
// the others are dropped and come back as a repeat of the last encoded frame's decoded picture.
// The output keeps the input's frame count, with the stutter and the larger motion between coded
// pictures of a low-rate re-encode. At fps >= the clip's rate, or with frames further apart than
// 1 / fps, nothing is dropped.
//
// Identical input frames come back identical in practice (x264 codes unchanged P-frames as skips)
// but, unlike the other plugins, that is the codec's behaviour, not a guarantee.
#include "modalities/augment/augment_common.h"

namespace dflab {

class H264Reencode : public BasicAugmentation {
 public:
  explicit H264Reencode(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::int64_t crf_min_, crf_max_;
  std::pair<double, double> scale_;
  std::pair<double, double> fps_;
  double source_fps_;
  std::string preset_;
};

// The frame-rate part of a round trip. A separate defaulted argument rather than more positional
// ones so that the (frames, crf, scale, preset) callers (bench/augment_bench.cpp, tests) keep
// their meaning: the default re-encodes every frame, as before.
struct H264FrameRate {
  double fps = 0.0;                   // re-encode rate (frames/s); <= 0: keep every frame
  std::vector<double> timestamps_s;   // per frame, in step with the frames; empty: i / source_fps
  double source_fps = 30.0;           // rate of frames without timestamps
};

// For each frame, the index of the frame whose decoded picture it shows after resampling the
// times `timestamps_s` to `fps` (itself when kept, the last kept frame when dropped). Frame 0 is
// always kept; fps <= 0 keeps all.
std::vector<std::size_t> fps_resample(const std::vector<double>& timestamps_s, double fps);

// The round trip itself: BGR frames of one size → H.264 (libx264, `crf`, `preset`) at
// round(size * scale), the kept frames of `rate` only → decoded BGR frames of the original size,
// as many as were given (dropped frames repeat a decoded one). Throws std::runtime_error when
// libx264 is missing or libav fails (message names the step and libav's reason), and
// std::invalid_argument when rate.timestamps_s is neither empty nor one per frame.
std::vector<cv::Mat> h264_roundtrip(const std::vector<cv::Mat>& frames, int crf, double scale,
                                    const std::string& preset = "veryfast", const H264FrameRate& rate = {});

}  // namespace dflab
