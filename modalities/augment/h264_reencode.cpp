#include "modalities/augment/h264_reencode.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

extern "C" {
#include <libavutil/opt.h>
}

#include "modalities/media/av_handles.h"

namespace dflab {

PluginInfo H264Reencode::info() {
  return {kind::augmentation,
          "h264_reencode",
          "H.264 re-encode of the clip in memory at a random frame rate, CRF and scale (DFDC 1st place)",
          {probability_param(0.3),
           ParamSpec::integer("crf_min", 17, "lowest x264 CRF (best quality)").range(0, 51),
           ParamSpec::integer("crf_max", 40, "highest x264 CRF (worst quality)").range(0, 51),
           ParamSpec::reals("scale", {0.25, 1.0}, "[lo, hi] downscale factor before encoding").range(0.05, 1.0),
           ParamSpec::reals("fps", {15.0, 30.0}, "[lo, hi] frame rate the clip is re-encoded at")
               .range(1.0, 120.0)
               .with_unit("frames/s"),
           ParamSpec::real("source_fps", 30.0, "frame rate of the given frames when the sample carries no timestamps")
               .range(1.0, 240.0)
               .with_unit("frames/s"),
           ParamSpec::string("preset", "veryfast", "x264 preset (speed/efficiency trade-off)")
               .one_of({"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
                        "veryslow"})}};
}

H264Reencode::H264Reencode(const Params& params)
    : BasicAugmentation("h264_reencode", params, true, false),
      crf_min_(params.integer("crf_min")),
      crf_max_(params.integer("crf_max")),
      scale_(range_param(params, "h264_reencode", "scale")),
      fps_(range_param(params, "h264_reencode", "fps")),
      source_fps_(params.real("source_fps")),
      preset_(params.string("preset")) {
  const std::string where = params.origin + (params.origin.empty() ? "" : ": ") + "h264_reencode: ";
  if (crf_min_ > crf_max_) throw std::invalid_argument(where + "crf_min must be <= crf_max");
  // Params built in code skip the declared ranges, and fps 0 would put every frame in one slot.
  if (!(fps_.first > 0.0)) throw std::invalid_argument(where + "fps must be > 0");
  if (!(source_fps_ > 0.0)) throw std::invalid_argument(where + "source_fps must be > 0");
}

void H264Reencode::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const int crf = static_cast<int>(uniform_int(rng, crf_min_, crf_max_));
  const double scale = uniform(rng, scale_.first, scale_.second);
  // Drawn last, so the CRF and scale draws stay those of the plugin before it had a frame rate.
  const double fps = uniform(rng, fps_.first, fps_.second);
  s.frames = h264_roundtrip(s.frames, crf, scale, preset_, {fps, s.timestamps_s, source_fps_});
}

namespace {

void check(int rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error("h264_reencode: " + what + ": " + av_error_string(rc));
}

int scaled_even(int n, double scale) {
  const int v = 2 * static_cast<int>(std::lround(n * scale / 2.0));
  return std::max(16, v);
}

// Slot of a time at `fps`: floor(t * fps), with times taken 1 ms late so that a frame at k / fps
// lands in slot k although its timestamp was rounded down to a container's time base (1 ms in
// Matroska/WebM) or k / fps * fps came out a hair below k. That only moves the slot grid 1 ms
// earlier, well under a frame interval (8.3 ms at 120 fps).
constexpr double kSlotTolerance_s = 1e-3;

std::int64_t fps_slot(double t_s, double fps) {
  return static_cast<std::int64_t>(std::floor((t_s + kSlotTolerance_s) * fps));
}

}  // namespace

std::vector<std::size_t> fps_resample(const std::vector<double>& timestamps_s, double fps) {
  std::vector<std::size_t> shown(timestamps_s.size());
  if (fps <= 0.0) {
    for (std::size_t i = 0; i < shown.size(); ++i) shown[i] = i;
    return shown;
  }
  std::int64_t last_slot = std::numeric_limits<std::int64_t>::min();
  std::size_t last_kept = 0;
  for (std::size_t i = 0; i < timestamps_s.size(); ++i) {
    const std::int64_t slot = fps_slot(timestamps_s[i], fps);
    // A slot already used (or behind it: time going backwards) is dropped, as ffmpeg's fps filter.
    if (i == 0 || slot > last_slot) {
      last_slot = slot;
      last_kept = i;
    }
    shown[i] = last_kept;
  }
  return shown;
}

std::vector<cv::Mat> h264_roundtrip(const std::vector<cv::Mat>& frames, int crf, double scale,
                                    const std::string& preset, const H264FrameRate& rate) {
  if (frames.empty()) return {};
  if (!rate.timestamps_s.empty() && rate.timestamps_s.size() != frames.size())
    throw std::invalid_argument("h264_reencode: " + std::to_string(rate.timestamps_s.size()) + " timestamps for " +
                                std::to_string(frames.size()) + " frames");
  std::vector<double> times_s = rate.timestamps_s;
  if (times_s.empty())
    for (std::size_t i = 0; i < frames.size(); ++i) times_s.push_back(static_cast<double>(i) / rate.source_fps);
  const bool resample = rate.fps > 0.0;
  if (resample)
    for (std::size_t i = 0; i < times_s.size(); ++i)
      if (!(std::abs(times_s[i]) < 1e9))   // also keeps t * fps inside the int64 slot numbers
        throw std::invalid_argument("h264_reencode: frame " + std::to_string(i) + " has no usable time (" +
                                    (rate.timestamps_s.empty() ? "source_fps " + std::to_string(rate.source_fps)
                                                               : "timestamp " + std::to_string(times_s[i])) +
                                    ")");
  const std::vector<std::size_t> shown = fps_resample(times_s, rate.fps);
  const int W = frames.front().cols, H = frames.front().rows;
  const int ew = scaled_even(W, scale), eh = scaled_even(H, scale);

  const AVCodec* encoder = avcodec_find_encoder_by_name("libx264");
  if (!encoder) throw std::runtime_error("h264_reencode: this libavcodec has no libx264 encoder");
  CodecContextPtr enc(avcodec_alloc_context3(encoder));
  if (!enc) throw std::runtime_error("h264_reencode: out of memory");
  enc->width = ew;
  enc->height = eh;
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  // Without resampling: the 25 fps stream of the plugin before it had a frame rate (same bits).
  enc->framerate = resample ? av_d2q(rate.fps, 100000) : AVRational{25, 1};
  enc->time_base = av_inv_q(enc->framerate);
  enc->thread_count = 1;   // deterministic output; the loader runs samples in parallel instead
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", preset.c_str(), 0);
  av_dict_set(&opts, "crf", std::to_string(crf).c_str(), 0);
  // log=-1: x264's per-stream statistics would flood stderr. asm: see x264_asm_without_avx512 (a
  // seeded augmentation must give the same pixels every time).
  const std::string cpu = x264_asm_without_avx512();
  av_dict_set(&opts, "x264-params", cpu.empty() ? "log=-1" : ("log=-1:asm=" + cpu).c_str(), 0);
  const int open_rc = avcodec_open2(enc.get(), encoder, &opts);
  av_dict_free(&opts);
  check(open_rc, "open libx264");

  const AVCodec* decoder = avcodec_find_decoder(AV_CODEC_ID_H264);
  if (!decoder) throw std::runtime_error("h264_reencode: this libavcodec has no H.264 decoder");
  CodecContextPtr dec(avcodec_alloc_context3(decoder));
  if (!dec) throw std::runtime_error("h264_reencode: out of memory");
  dec->thread_count = 1;
  check(avcodec_open2(dec.get(), decoder, nullptr), "open H.264 decoder");

  SwsContextPtr down(sws_getContext(W, H, AV_PIX_FMT_BGR24, ew, eh, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr,
                                    nullptr, nullptr));
  if (!down) throw std::runtime_error("h264_reencode: no swscale context BGR24 -> YUV420P");
  SwsContextPtr up;

  FramePtr in = make_frame();
  in->format = AV_PIX_FMT_YUV420P;
  in->width = ew;
  in->height = eh;
  check(av_frame_get_buffer(in.get(), 0), "frame buffer");
  FramePtr decoded = make_frame();
  PacketPtr pkt = make_packet();
  std::vector<cv::Mat> decoded_frames;   // one per kept frame, in order
  decoded_frames.reserve(frames.size());

  auto receive_frames = [&]() {
    while (true) {
      const int r = avcodec_receive_frame(dec.get(), decoded.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      check(r, "decode");
      if (!up)
        up.reset(sws_getContext(decoded->width, decoded->height, static_cast<AVPixelFormat>(decoded->format), W, H,
                                AV_PIX_FMT_BGR24, SWS_BICUBIC, nullptr, nullptr, nullptr));
      if (!up) throw std::runtime_error("h264_reencode: no swscale context for the decoded frames");
      cv::Mat bgr(H, W, CV_8UC3);
      uint8_t* dst[1] = {bgr.data};
      int dst_stride[1] = {static_cast<int>(bgr.step)};
      sws_scale(up.get(), decoded->data, decoded->linesize, 0, decoded->height, dst, dst_stride);
      decoded_frames.push_back(bgr);
      av_frame_unref(decoded.get());
    }
  };
  auto receive_packets = [&]() {
    while (true) {
      const int r = avcodec_receive_packet(enc.get(), pkt.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      check(r, "encode");
      check(avcodec_send_packet(dec.get(), pkt.get()), "send packet to decoder");
      av_packet_unref(pkt.get());
      receive_frames();
    }
  };

  const std::int64_t first_slot = resample ? fps_slot(times_s.front(), rate.fps) : 0;
  std::size_t n_kept = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (shown[i] != i) continue;   // dropped: the resampled stream has no picture for it
    ++n_kept;
    const cv::Mat& f = frames[i];
    check(av_frame_make_writable(in.get()), "frame writable");
    const uint8_t* src[1] = {f.data};
    const int src_stride[1] = {static_cast<int>(f.step)};
    sws_scale(down.get(), src, src_stride, 0, H, in->data, in->linesize);
    // pts in 1 / fps units: the frame's slot, so a gap between kept frames stays a gap in time.
    in->pts = resample ? fps_slot(times_s[i], rate.fps) - first_slot : static_cast<int64_t>(i);
    check(avcodec_send_frame(enc.get(), in.get()), "send frame to encoder");
    receive_packets();
  }
  check(avcodec_send_frame(enc.get(), nullptr), "flush encoder");
  receive_packets();
  check(avcodec_send_packet(dec.get(), nullptr), "flush decoder");
  receive_frames();
  if (decoded_frames.size() != n_kept)
    throw std::runtime_error("h264_reencode: " + std::to_string(n_kept) + " frames encoded, " +
                             std::to_string(decoded_frames.size()) + " decoded");
  // Frame i shows the decoded picture of frame shown[i]; a repeat shares its pixels (plugins never
  // write into a frame buffer).
  std::vector<std::size_t> decoded_index(frames.size());
  std::vector<cv::Mat> out;
  out.reserve(frames.size());
  for (std::size_t i = 0, k = 0; i < frames.size(); ++i) {
    if (shown[i] == i) decoded_index[i] = k++;
    out.push_back(decoded_frames[decoded_index[shown[i]]]);
  }
  return out;
}

}  // namespace dflab
