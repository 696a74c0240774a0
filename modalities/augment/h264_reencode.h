#pragma once
// h264_reencode: compress the clip's frames as one H.264 stream in memory (libavcodec + libx264)
// at a random CRF and a random scale, and decode them back — the compression augmentation of the
// DFDC 1st place (there: ffmpeg CLI, CRF 17..40, scale 0.25..1). The frames are scaled down by
// `scale` before encoding (bicubic, to even sizes >= 16 px) and back up to the crop size after
// decoding, so low scales add resampling blur on top of the codec's blocking and ringing. One CRF
// and scale per clip; the frames are consecutive pictures of one stream (a single frame is a
// one-picture stream, i.e. an intra frame). Encoder: one thread, `preset`, tuned for nothing, no
// files touched.
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
  std::string preset_;
};

// The round trip itself: BGR frames of one size → H.264 (libx264, `crf`, `preset`) at
// round(size * scale) → decoded BGR frames of the original size. Throws std::runtime_error when
// libx264 is missing or libav fails (message names the step and libav's reason).
std::vector<cv::Mat> h264_roundtrip(const std::vector<cv::Mat>& frames, int crf, double scale,
                                    const std::string& preset = "veryfast");

}  // namespace dflab
