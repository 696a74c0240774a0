#pragma once
// Writes an mp4 (or any container libavformat guesses from the file name) with one video track
// (H.264 through libx264, MPEG-4 part 2 when libx264 is absent) and optionally one mono audio track
// (AAC), through libavformat/libavcodec/libswscale/libswresample.
//
//   MediaWriterOptions o;
//   o.width = 320; o.height = 240; o.fps = 15; o.sample_rate = 16000;   // sample_rate 0: no audio
//   MediaWriter w("clip.mp4", o);                 // writes to a hidden temp file beside clip.mp4
//   for (...) { w.write_frame(bgr); w.write_audio(samples.data(), samples.size()); }
//   w.finish();                                   // flushes, then renames the temp file to clip.mp4
//
// The write is atomic: until finish() returns, clip.mp4 is untouched, and a writer destroyed
// without finish() (an exception, a crash of the caller's loop) removes its temp file. Frames and
// audio may come in any order; interleave them (each frame with its 1/fps s of audio) to keep the
// muxer's buffer small. Errors throw MediaError naming the file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "modalities/media/av_handles.h"

namespace dflab {

struct MediaWriterOptions {
  int width = 0, height = 0;     // pixels; even (yuv420p)
  int fps = 25;                  // constant frame rate
  int sample_rate = 0;           // Hz of the mono audio track; 0: no audio track
  std::string video_codec = "libx264";   // falls back to "mpeg4" when this encoder is missing
  int crf = 20;                  // libx264 quality (0 lossless … 51); ~18–23 is visually good
  std::string preset = "veryfast";       // libx264 speed/size trade-off
  int gop = 0;                   // key frame interval in frames; 0: 2 s worth
  std::int64_t video_bit_rate = 2'000'000;   // bits/s, for encoders without CRF (mpeg4)
  std::int64_t audio_bit_rate = 64'000;      // bits/s of the AAC track; 64 kb/s mono keeps up to ~8 kHz
  int threads = 1;               // encoder threads (1: deterministic and cheap; parallelise over files)
};

class MediaWriter {
 public:
  // Opens the encoders and the temp output file. Throws MediaError naming `path`.
  MediaWriter(const std::string& path, const MediaWriterOptions& options);
  ~MediaWriter();   // without finish(): closes and removes the temp file; never throws
  MediaWriter(const MediaWriter&) = delete;
  MediaWriter& operator=(const MediaWriter&) = delete;

  // One frame, BGR 8-bit 3 channels, exactly width × height.
  void write_frame(const cv::Mat& bgr);
  // Mono samples in [-1, 1] at sample_rate (clipped by the encoder outside that range).
  void write_audio(const float* samples, std::size_t n);
  // Flushes the encoders, writes the trailer and renames the temp file onto the path.
  void finish();

  const std::string& path() const { return path_; }
  std::string video_codec_name() const;   // the encoder actually used: "libx264" or "mpeg4"
  std::int64_t n_frames() const { return n_frames_; }
  std::int64_t n_audio_samples() const { return n_audio_in_; }

 private:
  struct OutputDeleter {
    void operator()(AVFormatContext* oc) const;
  };
  void open();                            // the constructor's work
  void encode_video(AVFrame* frame);      // nullptr flushes
  void encode_audio(AVFrame* frame);      // nullptr flushes
  void drain(AVCodecContext* enc, AVStream* st);
  void send_audio_frames(bool flush);
  [[noreturn]] void fail(const std::string& what, int rc = 0) const;

  std::string path_, temp_path_;
  MediaWriterOptions opt_;
  std::unique_ptr<AVFormatContext, OutputDeleter> oc_;
  CodecContextPtr venc_, aenc_;
  AVStream* vst_ = nullptr;
  AVStream* ast_ = nullptr;
  SwsContextPtr sws_;
  SwrContextPtr swr_;
  FramePtr vframe_, aframe_;
  PacketPtr pkt_;
  std::vector<float> audio_fifo_;   // mono samples waiting for a full encoder frame (AAC: 1024)
  std::int64_t n_frames_ = 0;
  std::int64_t n_audio_in_ = 0;
  std::int64_t audio_pts_ = 0;      // in samples
  bool finished_ = false;
};

}  // namespace dflab
