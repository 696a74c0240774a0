#include "modalities/media/media_writer.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace fs = std::filesystem;

namespace dflab {

namespace {

// ".clip.mp4.part-<pid>-<n>" beside the target: same file system, so the final rename is atomic;
// hidden, so a folder listing of *.mp4 never sees a half-written file.
std::string temp_path_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  const fs::path p(path);
  const std::string name = "." + p.filename().string() + ".part-" + std::to_string(::getpid()) + "-" +
                           std::to_string(counter++);
  return (p.parent_path() / name).string();
}

}  // namespace

void MediaWriter::OutputDeleter::operator()(AVFormatContext* oc) const {
  if (!oc) return;
  if (oc->pb && !(oc->oformat->flags & AVFMT_NOFILE)) avio_closep(&oc->pb);
  avformat_free_context(oc);
}

void MediaWriter::fail(const std::string& what, int rc) const {
  throw MediaError(path_ + ": " + what + (rc < 0 ? ": " + av_error_string(rc) : std::string()));
}

MediaWriter::MediaWriter(const std::string& path, const MediaWriterOptions& options)
    : path_(path), temp_path_(temp_path_for(path)), opt_(options) {
  try {
    open();
  } catch (...) {   // the destructor does not run for a half-built object: clean up here
    oc_.reset();
    std::error_code ec;
    fs::remove(temp_path_, ec);
    throw;
  }
}

void MediaWriter::open() {
  if (opt_.width <= 0 || opt_.height <= 0 || opt_.width % 2 || opt_.height % 2)
    fail("frame size " + std::to_string(opt_.width) + "x" + std::to_string(opt_.height) +
         " must be positive and even (yuv420p)");
  if (opt_.fps <= 0) fail("fps must be positive, got " + std::to_string(opt_.fps));
  if (opt_.sample_rate < 0) fail("sample_rate must be >= 0, got " + std::to_string(opt_.sample_rate));
  av_log_set_level(AV_LOG_ERROR);

  // The container comes from the real name; the temp name's ".part-…" suffix says nothing.
  const AVOutputFormat* ofmt = av_guess_format(nullptr, path_.c_str(), nullptr);
  if (!ofmt) fail("no container format for this file extension");
  AVFormatContext* raw = nullptr;
  int rc = avformat_alloc_output_context2(&raw, ofmt, nullptr, temp_path_.c_str());
  if (rc < 0 || !raw) fail("cannot create output context", rc);
  oc_.reset(raw);
  pkt_ = make_packet();

  // --- video: libx264 (CRF) or mpeg4 (bit rate) ---
  const AVCodec* vcodec = avcodec_find_encoder_by_name(opt_.video_codec.c_str());
  if (!vcodec) vcodec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (!vcodec) fail("no video encoder: neither " + opt_.video_codec + " nor mpeg4 is available");
  venc_.reset(avcodec_alloc_context3(vcodec));
  if (!venc_) throw std::bad_alloc();
  venc_->width = opt_.width;
  venc_->height = opt_.height;
  venc_->time_base = AVRational{1, opt_.fps};
  venc_->framerate = AVRational{opt_.fps, 1};
  venc_->gop_size = opt_.gop > 0 ? opt_.gop : 2 * opt_.fps;
  venc_->pix_fmt = AV_PIX_FMT_YUV420P;
  venc_->thread_count = opt_.threads;
  if (std::string(vcodec->name) == "libx264") {
    av_opt_set(venc_->priv_data, "preset", opt_.preset.c_str(), 0);
    av_opt_set(venc_->priv_data, "crf", std::to_string(opt_.crf).c_str(), 0);
    const std::string cpu = x264_asm_without_avx512();
    if (!cpu.empty()) av_opt_set(venc_->priv_data, "x264-params", ("asm=" + cpu).c_str(), 0);
  } else {
    venc_->bit_rate = opt_.video_bit_rate;
  }
  if (oc_->oformat->flags & AVFMT_GLOBALHEADER) venc_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  rc = avcodec_open2(venc_.get(), vcodec, nullptr);
  if (rc < 0) fail(std::string("cannot open video encoder ") + vcodec->name, rc);
  vst_ = avformat_new_stream(oc_.get(), nullptr);
  if (!vst_) throw std::bad_alloc();
  rc = avcodec_parameters_from_context(vst_->codecpar, venc_.get());
  if (rc < 0) fail("video codec parameters", rc);
  vst_->time_base = venc_->time_base;
  vst_->avg_frame_rate = venc_->framerate;

  vframe_ = make_frame();
  vframe_->format = venc_->pix_fmt;
  vframe_->width = opt_.width;
  vframe_->height = opt_.height;
  rc = av_frame_get_buffer(vframe_.get(), 0);
  if (rc < 0) fail("video frame buffer", rc);
  // SWS_ACCURATE_RND: without it libswscale takes its fast unscaled bgr24→yuv420p routine, whose
  // coarse fixed-point coefficients write flat grey 100 as Y/U/V that read back (in any decoder,
  // the ffmpeg CLI included) as BGR 95/98/96 — a dark, tinted cast. With it the generic path writes
  // limited-range BT.601 values that read back within ±1 (tests/modalities/video/video_colour_test).
  sws_.reset(sws_getContext(opt_.width, opt_.height, AV_PIX_FMT_BGR24, opt_.width, opt_.height,
                            AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr,
                            nullptr));
  if (!sws_) fail("cannot create BGR → yuv420p converter");

  // --- audio: AAC, mono; swresample converts our float samples to the encoder's format ---
  if (opt_.sample_rate > 0) {
    const AVCodec* acodec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (!acodec) fail("no AAC encoder in this libavcodec");
    aenc_.reset(avcodec_alloc_context3(acodec));
    if (!aenc_) throw std::bad_alloc();
    aenc_->sample_fmt = acodec->sample_fmts ? acodec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
    aenc_->sample_rate = opt_.sample_rate;
    av_channel_layout_default(&aenc_->ch_layout, 1);
    aenc_->bit_rate = opt_.audio_bit_rate;
    aenc_->time_base = AVRational{1, opt_.sample_rate};
    aenc_->thread_count = 1;
    if (oc_->oformat->flags & AVFMT_GLOBALHEADER) aenc_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    rc = avcodec_open2(aenc_.get(), acodec, nullptr);
    if (rc < 0) fail("cannot open AAC encoder at " + std::to_string(opt_.sample_rate) + " Hz", rc);
    ast_ = avformat_new_stream(oc_.get(), nullptr);
    if (!ast_) throw std::bad_alloc();
    rc = avcodec_parameters_from_context(ast_->codecpar, aenc_.get());
    if (rc < 0) fail("audio codec parameters", rc);
    ast_->time_base = aenc_->time_base;

    SwrContext* swr = nullptr;
    AVChannelLayout mono;
    av_channel_layout_default(&mono, 1);
    rc = swr_alloc_set_opts2(&swr, &aenc_->ch_layout, aenc_->sample_fmt, opt_.sample_rate, &mono,
                             AV_SAMPLE_FMT_FLT, opt_.sample_rate, 0, nullptr);
    swr_.reset(swr);
    if (rc < 0 || !swr_) fail("cannot create the audio converter", rc);
    rc = swr_init(swr_.get());
    if (rc < 0) fail("cannot initialise the audio converter", rc);

    aframe_ = make_frame();
    aframe_->format = aenc_->sample_fmt;
    aframe_->sample_rate = opt_.sample_rate;
    av_channel_layout_copy(&aframe_->ch_layout, &aenc_->ch_layout);
    aframe_->nb_samples = aenc_->frame_size > 0 ? aenc_->frame_size : 1024;
    rc = av_frame_get_buffer(aframe_.get(), 0);
    if (rc < 0) fail("audio frame buffer", rc);
  }

  if (!(oc_->oformat->flags & AVFMT_NOFILE)) {
    rc = avio_open(&oc_->pb, temp_path_.c_str(), AVIO_FLAG_WRITE);
    if (rc < 0) fail("cannot open " + temp_path_ + " for writing", rc);
  }
  AVDictionary* mux_opts = nullptr;
  av_dict_set(&mux_opts, "movflags", "+faststart", 0);   // index first: streamable, survives truncation better
  rc = avformat_write_header(oc_.get(), &mux_opts);
  av_dict_free(&mux_opts);
  if (rc < 0) fail("cannot write the container header", rc);
}

MediaWriter::~MediaWriter() {
  if (finished_) return;
  oc_.reset();   // closes the temp file without a trailer
  std::error_code ec;
  fs::remove(temp_path_, ec);
}

std::string MediaWriter::video_codec_name() const { return venc_ ? venc_->codec->name : ""; }

void MediaWriter::drain(AVCodecContext* enc, AVStream* st) {
  while (true) {
    int rc = avcodec_receive_packet(enc, pkt_.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
    if (rc < 0) fail("encoding failed", rc);
    av_packet_rescale_ts(pkt_.get(), enc->time_base, st->time_base);
    pkt_->stream_index = st->index;
    rc = av_interleaved_write_frame(oc_.get(), pkt_.get());   // takes the packet's reference
    if (rc < 0) fail("cannot write a packet", rc);
  }
}

void MediaWriter::encode_video(AVFrame* frame) {
  int rc = avcodec_send_frame(venc_.get(), frame);
  if (rc < 0) fail("video encoder rejected a frame", rc);
  drain(venc_.get(), vst_);
}

void MediaWriter::encode_audio(AVFrame* frame) {
  int rc = avcodec_send_frame(aenc_.get(), frame);
  if (rc < 0) fail("audio encoder rejected a frame", rc);
  drain(aenc_.get(), ast_);
}

void MediaWriter::write_frame(const cv::Mat& bgr) {
  if (finished_) fail("write_frame after finish()");
  if (bgr.type() != CV_8UC3 || bgr.cols != opt_.width || bgr.rows != opt_.height)
    fail("write_frame wants a " + std::to_string(opt_.width) + "x" + std::to_string(opt_.height) +
         " BGR 8-bit image, got " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) +
         " with " + std::to_string(bgr.channels()) + " channel(s)");
  cv::Mat src = bgr.isContinuous() ? bgr : bgr.clone();
  int rc = av_frame_make_writable(vframe_.get());
  if (rc < 0) fail("video frame not writable", rc);
  const uint8_t* in[1] = {src.data};
  const int in_stride[1] = {static_cast<int>(src.step[0])};
  sws_scale(sws_.get(), in, in_stride, 0, opt_.height, vframe_->data, vframe_->linesize);
  vframe_->pts = n_frames_++;
  encode_video(vframe_.get());
}

void MediaWriter::send_audio_frames(bool flush) {
  const int frame_size = aframe_->nb_samples;
  const bool small_last = aenc_->codec->capabilities &
                          (AV_CODEC_CAP_SMALL_LAST_FRAME | AV_CODEC_CAP_VARIABLE_FRAME_SIZE);
  std::size_t pos = 0;
  while (audio_fifo_.size() - pos >= static_cast<std::size_t>(frame_size) ||
         (flush && pos < audio_fifo_.size())) {
    const int n = static_cast<int>(std::min<std::size_t>(frame_size, audio_fifo_.size() - pos));
    int rc = av_frame_make_writable(aframe_.get());
    if (rc < 0) fail("audio frame not writable", rc);
    const uint8_t* in[1] = {reinterpret_cast<const uint8_t*>(audio_fifo_.data() + pos)};
    rc = swr_convert(swr_.get(), aframe_->data, n, in, n);   // same rate: n in, n out
    if (rc < 0) fail("audio conversion failed", rc);
    int n_out = rc;
    if (n_out < frame_size && !small_last) {   // encoder wants full frames: pad the last with silence
      av_samples_set_silence(aframe_->data, n_out, frame_size - n_out, 1, aenc_->sample_fmt);
      n_out = frame_size;
    }
    aframe_->nb_samples = n_out;
    aframe_->pts = audio_pts_;
    audio_pts_ += n_out;
    encode_audio(aframe_.get());
    aframe_->nb_samples = frame_size;
    pos += static_cast<std::size_t>(n);
  }
  audio_fifo_.erase(audio_fifo_.begin(), audio_fifo_.begin() + static_cast<std::ptrdiff_t>(pos));
}

void MediaWriter::write_audio(const float* samples, std::size_t n) {
  if (finished_) fail("write_audio after finish()");
  if (!aenc_) fail("write_audio on a writer opened without audio (sample_rate 0)");
  audio_fifo_.insert(audio_fifo_.end(), samples, samples + n);
  n_audio_in_ += static_cast<std::int64_t>(n);
  send_audio_frames(false);
}

void MediaWriter::finish() {
  if (finished_) return;
  encode_video(nullptr);
  if (aenc_) {
    send_audio_frames(true);
    encode_audio(nullptr);
  }
  int rc = av_write_trailer(oc_.get());
  if (rc < 0) fail("cannot write the container trailer", rc);
  oc_.reset();   // closes the file
  std::error_code ec;
  fs::rename(temp_path_, path_, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(temp_path_, ec);
    fail("cannot move the finished file into place: " + reason);
  }
  finished_ = true;
}

}  // namespace dflab
