#include "tests/modalities/video/synthetic_clip.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
}

#include "modalities/media/av_handles.h"

namespace dflab::test {

namespace {

constexpr int kBits = 8;

struct OutputDeleter {
  void operator()(AVFormatContext* oc) const {
    if (!oc) return;
    if (!(oc->oformat->flags & AVFMT_NOFILE)) avio_closep(&oc->pb);
    avformat_free_context(oc);
  }
};

void check(int rc, const std::string& what) {
  if (rc < 0) throw std::runtime_error("write_clip: " + what + ": " + av_error_string(rc));
}

}  // namespace

cv::Mat make_index_frame(int index, int width, int height) {
  cv::Mat img(height, width, CV_8UC3, cv::Scalar(128, 128, 128));
  const int top = height / 2;
  for (int b = 0; b < kBits; ++b) {
    const bool on = (index >> (kBits - 1 - b)) & 1;
    const int x0 = b * width / kBits, x1 = (b + 1) * width / kBits;
    img(cv::Rect(x0, 0, x1 - x0, top)).setTo(on ? cv::Scalar(255, 255, 255) : cv::Scalar(0, 0, 0));
  }
  return img;
}

int read_frame_index(const cv::Mat& bgr) {
  if (bgr.empty() || bgr.type() != CV_8UC3) return -1;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const int top = gray.rows / 2;
  int index = 0;
  for (int b = 0; b < kBits; ++b) {
    const int x0 = b * gray.cols / kBits, x1 = (b + 1) * gray.cols / kBits;
    // Sample the stripe's core, away from edges where compression smears.
    cv::Rect core(x0 + (x1 - x0) / 4, top / 4, std::max(1, (x1 - x0) / 2), std::max(1, top / 2));
    const double m = cv::mean(gray(core))[0];
    if (m > 90 && m < 170) return -1;   // neither black nor white: not our pattern
    index = (index << 1) | (m >= 170 ? 1 : 0);
  }
  return index;
}

void write_clip(const std::string& path, const ClipSpec& spec) {
  AVFormatContext* raw = nullptr;
  check(avformat_alloc_output_context2(&raw, nullptr, nullptr, path.c_str()), "alloc " + path);
  std::unique_ptr<AVFormatContext, OutputDeleter> oc(raw);

  const AVCodec* codec = avcodec_find_encoder_by_name(spec.codec.c_str());
  if (!codec) codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (!codec) throw std::runtime_error("write_clip: no encoder");
  CodecContextPtr enc(avcodec_alloc_context3(codec));
  const bool vfr = !spec.pts_ms.empty();
  enc->width = spec.width;
  enc->height = spec.height;
  enc->time_base = vfr ? AVRational{1, 1000} : AVRational{1, spec.fps};
  enc->framerate = AVRational{spec.fps, 1};
  enc->gop_size = spec.gop;
  enc->max_b_frames = spec.max_b_frames;
  enc->pix_fmt = AV_PIX_FMT_YUV420P;
  if (std::string(codec->name) == "libx264") {
    av_opt_set(enc->priv_data, "preset", "veryfast", 0);
    av_opt_set(enc->priv_data, "crf", "20", 0);
    av_opt_set(enc->priv_data, "x264-params", "scenecut=0", 0);   // key frames exactly every gop
  } else {
    enc->bit_rate = 4'000'000;
  }
  if (oc->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  check(avcodec_open2(enc.get(), codec, nullptr), "open encoder " + std::string(codec->name));

  AVStream* st = avformat_new_stream(oc.get(), nullptr);
  check(avcodec_parameters_from_context(st->codecpar, enc.get()), "codec parameters");
  st->time_base = enc->time_base;
  if (spec.rotation_cw != 0) {
    auto* matrix = reinterpret_cast<int32_t*>(
        av_stream_new_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t)));
    // av_display_rotation_set takes counter-clockwise degrees.
    av_display_rotation_set(matrix, -spec.rotation_cw);
  }
  if (!(oc->oformat->flags & AVFMT_NOFILE)) check(avio_open(&oc->pb, path.c_str(), AVIO_FLAG_WRITE), "open " + path);
  AVDictionary* opts = nullptr;
  if (spec.faststart) av_dict_set(&opts, "movflags", "+faststart", 0);
  int rc = avformat_write_header(oc.get(), &opts);
  av_dict_free(&opts);
  check(rc, "write header " + path);

  FramePtr frame = make_frame();
  frame->format = enc->pix_fmt;
  frame->width = spec.width;
  frame->height = spec.height;
  check(av_frame_get_buffer(frame.get(), 0), "frame buffer");
  PacketPtr pkt = make_packet();

  // Frame durations (encoder time base), so the container's duration covers the last frame.
  std::map<int64_t, int64_t> duration_of;
  for (int i = 0; i < spec.n_frames; ++i) {
    if (!vfr) {
      duration_of[i] = 1;
    } else {
      const int64_t next = i + 1 < spec.n_frames ? spec.pts_ms.at(i + 1) : spec.pts_ms.at(i) + 1000 / spec.fps;
      duration_of[spec.pts_ms.at(i)] = next - spec.pts_ms.at(i);
    }
  }
  auto drain = [&]() {
    while (true) {
      int r = avcodec_receive_packet(enc.get(), pkt.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      check(r, "encode");
      if (duration_of.count(pkt->pts)) pkt->duration = duration_of[pkt->pts];
      av_packet_rescale_ts(pkt.get(), enc->time_base, st->time_base);
      pkt->stream_index = st->index;
      check(av_interleaved_write_frame(oc.get(), pkt.get()), "write packet");
    }
  };

  for (int i = 0; i < spec.n_frames; ++i) {
    check(av_frame_make_writable(frame.get()), "frame writable");
    cv::Mat bgr = spec.painter ? spec.painter(i) : make_index_frame(i, spec.width, spec.height);
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    for (int y = 0; y < spec.height; ++y)
      std::memcpy(frame->data[0] + y * frame->linesize[0], gray.ptr(y), spec.width);
    const int cw = (spec.width + 1) / 2, ch = (spec.height + 1) / 2;
    for (int y = 0; y < ch; ++y) {
      std::memset(frame->data[1] + y * frame->linesize[1], 128, cw);
      std::memset(frame->data[2] + y * frame->linesize[2], 128, cw);
    }
    frame->pts = vfr ? spec.pts_ms.at(i) : i;
    check(avcodec_send_frame(enc.get(), frame.get()), "send frame");
    drain();
  }
  check(avcodec_send_frame(enc.get(), nullptr), "flush");
  drain();
  check(av_write_trailer(oc.get()), "trailer");
}

void write_wav(const std::string& path, double seconds, int sample_rate) {
  const uint32_t n = static_cast<uint32_t>(seconds * sample_rate);
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  out.write("RIFF", 4); u32(36 + n * 2); out.write("WAVE", 4);
  out.write("fmt ", 4); u32(16); u16(1); u16(1); u32(sample_rate); u32(sample_rate * 2); u16(2); u16(16);
  out.write("data", 4); u32(n * 2);
  for (uint32_t i = 0; i < n; ++i) u16(static_cast<uint16_t>(static_cast<int16_t>(8000 * ((i / 20) % 2 ? 1 : -1))));
}

std::string make_temp_dir(const std::string& prefix) {
  std::string templ = "/tmp/" + prefix + "XXXXXX";
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed for " + templ);
  return templ;
}

}  // namespace dflab::test
