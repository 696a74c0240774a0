#include "modalities/media/av_handles.h"

extern "C" {
#include <libavutil/cpu.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
}

namespace dflab {

std::string av_error_string(int errnum) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(errnum, buf, sizeof(buf));
  return buf;
}

std::string x264_asm_without_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  if (av_get_cpu_flags() & AV_CPU_FLAG_AVX512) return "AVX2";
#endif
  return "";
}

PacketPtr make_packet() {
  PacketPtr p(av_packet_alloc());
  if (!p) throw std::bad_alloc();
  return p;
}

FramePtr make_frame() {
  FramePtr f(av_frame_alloc());
  if (!f) throw std::bad_alloc();
  return f;
}

FormatContextPtr open_input(const std::string& path) {
  // libav prints its own warnings for every damaged packet; dflab reports outcomes itself.
  av_log_set_level(AV_LOG_ERROR);
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) throw MediaError(path + ": cannot open: " + av_error_string(rc));
  FormatContextPtr fmt(raw);
  rc = avformat_find_stream_info(fmt.get(), nullptr);
  if (rc < 0) throw MediaError(path + ": cannot read stream info: " + av_error_string(rc));
  return fmt;
}

FormatContextPtr open_input(AVIOContext* io, const std::string& name) {
  av_log_set_level(AV_LOG_ERROR);
  AVFormatContext* raw = avformat_alloc_context();
  if (!raw) throw std::bad_alloc();
  raw->pb = io;   // custom I/O: avformat_close_input leaves `io` to the caller
  // On failure avformat_open_input frees `raw` itself.
  int rc = avformat_open_input(&raw, name.c_str(), nullptr, nullptr);
  if (rc < 0) throw MediaError(name + ": cannot open: " + av_error_string(rc));
  FormatContextPtr fmt(raw);
  rc = avformat_find_stream_info(fmt.get(), nullptr);
  if (rc < 0) throw MediaError(name + ": cannot read stream info: " + av_error_string(rc));
  return fmt;
}

CodecContextPtr open_decoder(AVFormatContext* fmt, int stream_index, const std::string& path,
                             int threads) {
  AVStream* stream = fmt->streams[stream_index];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (!codec)
    throw MediaError(path + ": no decoder for codec " + avcodec_get_name(stream->codecpar->codec_id));
  CodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw std::bad_alloc();
  int rc = avcodec_parameters_to_context(ctx.get(), stream->codecpar);
  if (rc < 0) throw MediaError(path + ": bad codec parameters: " + av_error_string(rc));
  ctx->thread_count = threads;
  ctx->pkt_timebase = stream->time_base;
  rc = avcodec_open2(ctx.get(), codec, nullptr);
  if (rc < 0) throw MediaError(path + ": cannot open " + codec->name + " decoder: " + av_error_string(rc));
  return ctx;
}

}  // namespace dflab
