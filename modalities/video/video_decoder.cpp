#include "modalities/video/video_decoder.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <optional>
#include <sstream>

#include <opencv2/core.hpp>

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
}

namespace dflab {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string seconds_text(double s) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(3);
  os << s << " s";
  return os.str();
}

// Clockwise degrees (0/90/180/270) a player turns the stored frame, from the display matrix.
// ref: fftools/cmdutils.c get_rotation() — theta = -av_display_rotation_get(matrix).
int rotation_of(const AVStream* st) {
  const uint8_t* sd = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (!sd) return 0;
  double theta = -av_display_rotation_get(reinterpret_cast<const int32_t*>(sd));
  if (std::isnan(theta)) return 0;
  theta -= 360.0 * std::floor(theta / 360.0 + 0.9 / 360.0);
  int quarter = static_cast<int>(std::lround(theta / 90.0)) % 4;
  return quarter * 90;
}

}  // namespace

const char* to_string(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::ok: return "ok";
    case DecodeStatus::partial: return "partial";
    case DecodeStatus::no_video: return "no_video";
    case DecodeStatus::failed: return "failed";
  }
  return "?";
}

const char* to_string(DecodeMode m) {
  switch (m) {
    case DecodeMode::all: return "all";
    case DecodeMode::skip_nonref: return "skip_nonref";
    case DecodeMode::seek: return "seek";
    case DecodeMode::automatic: return "auto";
  }
  return "?";
}

DecodeMode parse_decode_mode(const std::string& name) {
  for (auto m : {DecodeMode::all, DecodeMode::skip_nonref, DecodeMode::seek, DecodeMode::automatic})
    if (name == to_string(m)) return m;
  throw std::invalid_argument("unknown decode mode '" + name + "' (one of: all, skip_nonref, seek, auto)");
}

VideoDecoder::VideoDecoder(const std::string& path, DecodeOptions options)
    : path_(path), opt_(options) {
  fmt_ = open_input(path);
  stream_index_ = av_find_best_stream(fmt_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (stream_index_ < 0 ||
      (fmt_->streams[stream_index_]->disposition & AV_DISPOSITION_ATTACHED_PIC))
    throw NoVideoStream(path + ": no video stream");
  // Other streams are never demuxed into packets we would throw away.
  for (unsigned i = 0; i < fmt_->nb_streams; ++i)
    if (static_cast<int>(i) != stream_index_) fmt_->streams[i]->discard = AVDISCARD_ALL;
  codec_ = open_decoder(fmt_.get(), stream_index_, path, opt_.threads);

  const AVStream* st = fmt_->streams[stream_index_];
  info_.path = path;
  info_.codec = avcodec_get_name(st->codecpar->codec_id);
  info_.coded_width = st->codecpar->width;
  info_.coded_height = st->codecpar->height;
  info_.rotation_deg = opt_.apply_rotation ? rotation_of(st) : 0;
  const bool swap = info_.rotation_deg == 90 || info_.rotation_deg == 270;
  info_.width = swap ? info_.coded_height : info_.coded_width;
  info_.height = swap ? info_.coded_width : info_.coded_height;
  AVRational fr = st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0 ? st->avg_frame_rate
                                                                             : st->r_frame_rate;
  info_.fps = fr.num > 0 && fr.den > 0 ? av_q2d(fr) : 0.0;
  const double tb = av_q2d(st->time_base);
  info_.start_s = st->start_time != AV_NOPTS_VALUE ? st->start_time * tb : 0.0;
  if (st->duration != AV_NOPTS_VALUE && st->duration > 0)
    info_.duration_s = st->duration * tb;
  else if (fmt_->duration != AV_NOPTS_VALUE && fmt_->duration > 0)
    info_.duration_s = static_cast<double>(fmt_->duration) / AV_TIME_BASE;
  info_.n_frames = st->nb_frames;
  if (info_.n_frames <= 0 && info_.duration_s > 0 && info_.fps > 0)
    info_.n_frames = std::llround(info_.duration_s * info_.fps);
}

// End of the clip in seconds from the stream start. When the container does not say, one pass
// over the packets (demux only, no decoding) finds it, then the file is rewound.
double VideoDecoder::clip_end_s() {
  if (info_.duration_s > 0) return info_.duration_s;
  if (scanned_end_) return kInf;
  scanned_end_ = true;
  AVStream* st = fmt_->streams[stream_index_];
  const double tb = av_q2d(st->time_base);
  PacketPtr pkt = make_packet();
  double end = -1.0;
  while (av_read_frame(fmt_.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == stream_index_ && pkt->pts != AV_NOPTS_VALUE)
      end = std::max(end, (pkt->pts + std::max<int64_t>(pkt->duration, 0)) * tb - info_.start_s);
    av_packet_unref(pkt.get());
  }
  av_seek_frame(fmt_.get(), stream_index_, st->start_time != AV_NOPTS_VALUE ? st->start_time : 0,
                AVSEEK_FLAG_BACKWARD);
  avcodec_flush_buffers(codec_.get());
  if (end > 0) info_.duration_s = end;
  return end > 0 ? end : kInf;
}

void VideoDecoder::convert(const AVFrame* frame, cv::Mat& out) {
  sws_.reset(sws_getCachedContext(sws_.release(), frame->width, frame->height,
                                  static_cast<AVPixelFormat>(frame->format), frame->width,
                                  frame->height, AV_PIX_FMT_BGR24, SWS_BILINEAR, nullptr, nullptr,
                                  nullptr));
  if (!sws_) throw MediaError(path_ + ": cannot convert pixel format " +
                              std::to_string(frame->format) + " to BGR");
  // Honour the stream's colour tags as the ffmpeg CLI's scale filter does (ref: libavfilter/
  // vf_scale.c, in_color_matrix=auto / in_range=auto): a BT.709-tagged clip (most HD video) read
  // with libswscale's default BT.601 matrix comes out up to ~25 levels off in saturated colours,
  // and a full-range (pc/jpeg) tag changes every level. Untagged streams keep the defaults
  // (BT.601, range from the pixel format), as ffmpeg does. tests/modalities/video/video_colour_test.
  {
    int* inv_table = nullptr;
    int* table = nullptr;
    int src_range = 0, dst_range = 0, brightness = 0, contrast = 0, saturation = 0;
    if (sws_getColorspaceDetails(sws_.get(), &inv_table, &src_range, &table, &dst_range, &brightness,
                                 &contrast, &saturation) >= 0) {
      const int* want_table = frame->colorspace != AVCOL_SPC_UNSPECIFIED &&
                                      frame->colorspace != AVCOL_SPC_RGB
                                  ? sws_getCoefficients(frame->colorspace)
                                  : inv_table;
      const int want_range = frame->color_range == AVCOL_RANGE_JPEG   ? 1
                             : frame->color_range == AVCOL_RANGE_MPEG ? 0
                                                                      : src_range;
      if (want_range != src_range || !std::equal(want_table, want_table + 4, inv_table))
        sws_setColorspaceDetails(sws_.get(), want_table, want_range, table, dst_range, brightness,
                                 contrast, saturation);
    }
  }
  // libswscale's SIMD writers store whole vectors: they may write past the end of a row that is
  // not a multiple of the vector size, and past the last row. So the destination always has an
  // aligned stride and slack rows below the picture; an unaligned width goes through a reused
  // scratch buffer and one copy (only selected frames are converted).
  const int w = frame->width, h = frame->height;
  const int row_bytes = w * 3;
  const bool aligned = row_bytes % 64 == 0;
  const int stride = aligned ? row_bytes : (row_bytes + 63) / 64 * 64;
  const int slack_rows = 256 / stride + 2;
  cv::Mat target;
  if (aligned) {
    target.create(h + slack_rows, w, CV_8UC3);
  } else {
    if (scratch_.rows < h + slack_rows || static_cast<int>(scratch_.step) != stride)
      scratch_.create(h + slack_rows, stride, CV_8UC1);
    target = scratch_;
  }
  uint8_t* dst[4] = {target.data, nullptr, nullptr, nullptr};
  int dst_linesize[4] = {stride, 0, 0, 0};
  sws_scale(sws_.get(), frame->data, frame->linesize, 0, h, dst, dst_linesize);
  cv::Mat stored = aligned ? target.rowRange(0, h)
                           : cv::Mat(h, w, CV_8UC3, scratch_.data, static_cast<std::size_t>(stride));
  if (!aligned && info_.rotation_deg == 0) stored = stored.clone();   // the visitor owns its frame
  switch (info_.rotation_deg) {
    case 90: cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE); break;
    case 180: cv::rotate(stored, out, cv::ROTATE_180); break;
    case 270: cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = stored; break;
  }
}

cv::Mat VideoDecoder::to_bgr(const AVFrame& source) {
  cv::Mat out;
  convert(&source, out);   // a fresh Mat every call (the scratch buffer is never handed out)
  return out;
}

DecodeReport VideoDecoder::run(const FrameSampling& sampling, const FrameVisitor& visit) {
  sampling.validate();
  AVStream* st = fmt_->streams[stream_index_];
  const AVRational tb_q = st->time_base;
  const double tb = av_q2d(tb_q);
  const int64_t start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
  const double end_s = sampling.strategy == FrameSampling::Strategy::uniform ? clip_end_s()
                       : info_.duration_s > 0                                ? info_.duration_s
                                                                             : kInf;
  FrameSelector selector(sampling, 0.0, end_s);

  // Rewind when this decoder already ran (the end scan rewinds itself).
  if (ran_) {
    av_seek_frame(fmt_.get(), stream_index_, start_pts, AVSEEK_FLAG_BACKWARD);
    avcodec_flush_buffers(codec_.get());
  }

  ran_ = true;
  DecodeMode mode = opt_.mode;
  // Skipping frames is only safe when selection does not count every frame.
  const bool use_nonref = sampling.time_based() &&
                          (mode == DecodeMode::skip_nonref || mode == DecodeMode::automatic);
  bool seek_ok = mode == DecodeMode::seek || mode == DecodeMode::automatic;
  std::optional<int64_t> check_landing;   // read position before the last seek
  const double frame_s = info_.fps > 0 ? 1.0 / info_.fps : 0.04;
  // Index entries of mov/mp4 are decode timestamps, a few frames before presentation ones with
  // B-frames: seek to a key frame this much before the target so the target frame is never missed.
  const int64_t seek_margin = static_cast<int64_t>(
      std::ceil((st->codecpar->video_delay + 3) * frame_s / tb));

  DecodeReport report;
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  bool index_exact = true;
  bool stop = false;
  bool read_error = false;
  std::string error_text;
  // The read position: the file starts at its first indexed packet, so no seek goes there.
  int64_t last_read_dts = std::numeric_limits<int64_t>::min();
  if (avformat_index_get_entries_count(st) > 0)
    last_read_dts = avformat_index_get_entry(st, 0)->timestamp;
  double last_ts = -kInf;
  int64_t n_out = 0;

  auto handle_frame = [&]() {
    int64_t pts = frame->best_effort_timestamp;
    double ts = pts != AV_NOPTS_VALUE ? (pts - start_pts) * tb
                                      : (last_ts > -kInf ? last_ts + frame_s : 0.0);
    ++report.n_decoded;
    const int64_t count_index = n_out++;
    last_ts = std::max(last_ts, ts);
    if (selector.select(ts)) {
      VideoFrame out;
      convert(frame.get(), out.bgr);
      if (opt_.keep_source) {
        out.source.reset(av_frame_clone(frame.get()), [](AVFrame* f) { av_frame_free(&f); });
        if (!out.source) throw std::bad_alloc();
      }
      out.timestamp_s = ts;
      out.index_exact = index_exact;
      out.index = index_exact ? count_index
                              : (info_.fps > 0 ? std::llround(ts * info_.fps) : count_index);
      ++report.n_selected;
      if (!visit(out)) stop = true;
    }
    if (selector.done()) stop = true;
  };

  auto drain = [&]() {
    while (!stop) {
      int rc = avcodec_receive_frame(codec_.get(), frame.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) break;
      if (rc < 0) {
        ++report.n_decode_errors;
        break;
      }
      handle_frame();
      av_frame_unref(frame.get());
    }
  };

  while (!stop) {
    const std::optional<double> target = selector.next_target_s();
    if (seek_ok && target && avformat_index_get_entries_count(st) > 0) {
      // Seek like `ffmpeg -ss`: ask the demuxer for the key frame at or before (target - margin),
      // but only when our index lookup says that key frame lies past what was already read.
      const int64_t seek_pts = start_pts + static_cast<int64_t>(std::floor(*target / tb)) - seek_margin;
      const int e = av_index_search_timestamp(st, seek_pts, AVSEEK_FLAG_BACKWARD);
      const AVIndexEntry* key = e >= 0 ? avformat_index_get_entry(st, e) : nullptr;
      if (key && key->timestamp > last_read_dts &&
          av_seek_frame(fmt_.get(), stream_index_, seek_pts, AVSEEK_FLAG_BACKWARD) >= 0) {
        avcodec_flush_buffers(codec_.get());
        ++report.n_seeks;
        index_exact = false;
        check_landing = last_read_dts;
        last_read_dts = key->timestamp;
      }
    }

    int rc = av_read_frame(fmt_.get(), pkt.get());
    if (rc < 0) {
      if (rc != AVERROR_EOF) {
        read_error = true;
        error_text = av_error_string(rc);
      }
      break;
    }
    if (pkt->stream_index != stream_index_) {
      av_packet_unref(pkt.get());
      continue;
    }
    if (check_landing && pkt->dts != AV_NOPTS_VALUE) {
      // Some demuxers shift seek timestamps (mov edit lists): a seek that went backwards re-decodes
      // frames, so seeking stops for the rest of this pass.
      if (pkt->dts <= *check_landing) seek_ok = false;
      check_landing.reset();
    }
    if (pkt->dts != AV_NOPTS_VALUE) last_read_dts = std::max(last_read_dts, pkt->dts);
    // A non-reference frame before the next target can never be selected: nothing depends on it.
    bool skip = use_nonref && target && pkt->pts != AV_NOPTS_VALUE &&
                (pkt->pts - start_pts) * tb < *target - FrameSelector::tolerance_s &&
                !(pkt->flags & AV_PKT_FLAG_KEY);
    codec_->skip_frame = skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
    if (skip) index_exact = false;
    rc = avcodec_send_packet(codec_.get(), pkt.get());
    av_packet_unref(pkt.get());
    if (rc < 0 && rc != AVERROR(EAGAIN)) ++report.n_decode_errors;
    drain();
  }
  if (!stop) {   // end of file or read error: flush the frames the decoder still holds
    codec_->skip_frame = AVDISCARD_DEFAULT;
    if (avcodec_send_packet(codec_.get(), nullptr) >= 0) drain();
  }

  const bool some = report.n_selected > 0 || report.n_decoded > 0;
  if (report.n_decoded == 0) {
    report.status = DecodeStatus::failed;
    report.message = path_ + ": no frame could be decoded" +
                     (read_error ? " (read error: " + error_text + ")" : std::string());
    if (report.n_decode_errors > 0)
      report.message += " (" + std::to_string(report.n_decode_errors) + " packets rejected)";
    return report;
  }
  if (read_error) {
    report.status = some ? DecodeStatus::partial : DecodeStatus::failed;
    report.message = path_ + ": read error after " + seconds_text(std::max(last_ts, 0.0)) + ": " +
                     error_text + "; " + std::to_string(report.n_selected) + " frames delivered";
  } else if (!stop && !selector.done() && std::isfinite(end_s) &&
             last_ts < end_s - (2.0 * frame_s + 0.1)) {
    // The container promised more than the stream held: a truncated file.
    report.status = DecodeStatus::partial;
    report.message = path_ + ": stream ended at " + seconds_text(last_ts) + " of " +
                     seconds_text(end_s) + " (truncated?); " + std::to_string(report.n_selected) +
                     " frames delivered";
  } else if (report.n_decode_errors > 0) {
    report.status = DecodeStatus::partial;
    report.message = path_ + ": " + std::to_string(report.n_decode_errors) +
                     " packets failed to decode (damaged data); " +
                     std::to_string(report.n_selected) + " frames delivered";
  }
  return report;
}

VideoInfo probe_video(const std::string& path) {
  VideoDecoder dec(path);
  return dec.info();
}

DecodeReport decode_video(const std::string& path, const FrameSampling& sampling,
                          const FrameVisitor& visit, const DecodeOptions& options) {
  try {
    VideoDecoder dec(path, options);
    return dec.run(sampling, visit);
  } catch (const NoVideoStream& e) {
    DecodeReport r;
    r.status = DecodeStatus::no_video;
    r.message = e.what();
    return r;
  } catch (const MediaError& e) {
    DecodeReport r;
    r.status = DecodeStatus::failed;
    r.message = e.what();
    return r;
  }
}

}  // namespace dflab
