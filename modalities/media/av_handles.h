#pragma once
// RAII owners for FFmpeg (libav*) handles and one error-string helper, shared by the audio and
// video decoders and by the prober. Every libav object dflab touches is held by one of these.
//
//   FormatContextPtr fmt = open_input("clip.mp4");   // throws MediaError naming the file
//   PacketPtr pkt = make_packet();
//   FramePtr frame = make_frame();

#include <memory>
#include <stdexcept>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace dflab {

// A media file could not be opened or decoded; what() names the file and libav's reason.
class MediaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// libav's text for an AVERROR code.
std::string av_error_string(int errnum);

// libx264's `asm` option for deterministic output: every instruction set it would pick itself
// except AVX-512 ("AVX2"), or "" (its own choice) on a CPU without AVX-512. Why: libx264 0.164's
// AVX-512 kernels read uninitialised heap, and what they find reaches the bitstream, so identical
// frames encode to different bytes depending on what an earlier encoder left in freed memory (two
// clips written at once, the second encoder of a process; the bytes also change with
// MALLOC_PERTURB_). Up to AVX2 the output depends only on the frames. Used by every libx264 user:
// MediaWriter (synthetic datasets) and the h264_reencode augmentation (reproducible training).
std::string x264_asm_without_avx512();

struct FormatContextDeleter {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct SwrContextDeleter {
  void operator()(SwrContext* p) const { swr_free(&p); }
};
struct SwsContextDeleter {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};
// A custom-I/O context and its buffer (libav may have replaced the buffer we allocated).
struct AvioContextDeleter {
  void operator()(AVIOContext* p) const {
    if (p) av_freep(&p->buffer);
    avio_context_free(&p);
  }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using SwrContextPtr = std::unique_ptr<SwrContext, SwrContextDeleter>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextDeleter>;
using AvioContextPtr = std::unique_ptr<AVIOContext, AvioContextDeleter>;

PacketPtr make_packet();
FramePtr make_frame();

// Opens `path` and reads its stream info. Throws MediaError("path: reason") on failure.
FormatContextPtr open_input(const std::string& path);
// The same for bytes read through `io` (e.g. a buffer in memory; `name` labels errors). `io` stays
// the caller's and must outlive the returned context.
FormatContextPtr open_input(AVIOContext* io, const std::string& name);

// Opens a decoder for stream `stream_index` of `fmt` with `threads` decoder threads (0 = auto).
// Throws MediaError naming `path` when no decoder exists or it fails to open.
CodecContextPtr open_decoder(AVFormatContext* fmt, int stream_index, const std::string& path,
                             int threads = 1);

}  // namespace dflab
