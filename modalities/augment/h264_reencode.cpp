#include "modalities/augment/h264_reencode.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

extern "C" {
#include <libavutil/opt.h>
}

#include "modalities/media/av_handles.h"

namespace dflab {

PluginInfo H264Reencode::info() {
  return {kind::augmentation,
          "h264_reencode",
          "H.264 re-encode of the clip in memory at a random CRF and scale (DFDC 1st place)",
          {probability_param(0.3),
           ParamSpec::integer("crf_min", 17, "lowest x264 CRF (best quality)").range(0, 51),
           ParamSpec::integer("crf_max", 40, "highest x264 CRF (worst quality)").range(0, 51),
           ParamSpec::reals("scale", {0.25, 1.0}, "[lo, hi] downscale factor before encoding").range(0.05, 1.0),
           ParamSpec::string("preset", "veryfast", "x264 preset (speed/efficiency trade-off)")
               .one_of({"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
                        "veryslow"})}};
}

H264Reencode::H264Reencode(const Params& params)
    : BasicAugmentation("h264_reencode", params, true, false),
      crf_min_(params.integer("crf_min")),
      crf_max_(params.integer("crf_max")),
      scale_(range_param(params, "h264_reencode", "scale")),
      preset_(params.string("preset")) {
  if (crf_min_ > crf_max_)
    throw std::invalid_argument(params.origin + (params.origin.empty() ? "" : ": ") +
                                "h264_reencode: crf_min must be <= crf_max");
}

void H264Reencode::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const int crf = static_cast<int>(uniform_int(rng, crf_min_, crf_max_));
  const double scale = uniform(rng, scale_.first, scale_.second);
  s.frames = h264_roundtrip(s.frames, crf, scale, preset_);
}

namespace {

void check(int rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error("h264_reencode: " + what + ": " + av_error_string(rc));
}

int scaled_even(int n, double scale) {
  const int v = 2 * static_cast<int>(std::lround(n * scale / 2.0));
  return std::max(16, v);
}

}  // namespace

std::vector<cv::Mat> h264_roundtrip(const std::vector<cv::Mat>& frames, int crf, double scale,
                                    const std::string& preset) {
  if (frames.empty()) return {};
  const int W = frames.front().cols, H = frames.front().rows;
  const int ew = scaled_even(W, scale), eh = scaled_even(H, scale);

  const AVCodec* encoder = avcodec_find_encoder_by_name("libx264");
  if (!encoder) throw std::runtime_error("h264_reencode: this libavcodec has no libx264 encoder");
  CodecContextPtr enc(avcodec_alloc_context3(encoder));
  if (!enc) throw std::runtime_error("h264_reencode: out of memory");
  enc->width = ew;
  enc->height = eh;
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  enc->time_base = AVRational{1, 25};
  enc->framerate = AVRational{25, 1};
  enc->thread_count = 1;   // deterministic output; the loader runs samples in parallel instead
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "preset", preset.c_str(), 0);
  av_dict_set(&opts, "crf", std::to_string(crf).c_str(), 0);
  av_dict_set(&opts, "x264-params", "log=-1", 0);   // x264's per-stream statistics would flood stderr
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
  std::vector<cv::Mat> out;
  out.reserve(frames.size());

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
      out.push_back(bgr);
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

  for (std::size_t i = 0; i < frames.size(); ++i) {
    const cv::Mat& f = frames[i];
    check(av_frame_make_writable(in.get()), "frame writable");
    const uint8_t* src[1] = {f.data};
    const int src_stride[1] = {static_cast<int>(f.step)};
    sws_scale(down.get(), src, src_stride, 0, H, in->data, in->linesize);
    in->pts = static_cast<int64_t>(i);
    check(avcodec_send_frame(enc.get(), in.get()), "send frame to encoder");
    receive_packets();
  }
  check(avcodec_send_frame(enc.get(), nullptr), "flush encoder");
  receive_packets();
  check(avcodec_send_packet(dec.get(), nullptr), "flush decoder");
  receive_frames();
  if (out.size() != frames.size())
    throw std::runtime_error("h264_reencode: " + std::to_string(frames.size()) + " frames in, " +
                             std::to_string(out.size()) + " decoded");
  return out;
}

}  // namespace dflab
