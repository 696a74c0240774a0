#include "modalities/media/probe.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "modalities/media/av_handles.h"

extern "C" {
#include <libavutil/display.h>
}

namespace dflab {

namespace {

double to_double(AVRational r) { return r.num > 0 && r.den > 0 ? av_q2d(r) : 0.0; }

// Clockwise degrees, normalised to [0, 360) and rounded to a multiple of 90 when close.
// ref: fftools/cmdutils.c get_rotation(): theta = -round(av_display_rotation_get(matrix)).
int rotation_of(const AVStream* st) {
  const uint8_t* matrix = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (!matrix) return 0;
  const double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(ccw)) return 0;
  double theta = -std::round(ccw);
  theta -= 360.0 * std::floor(theta / 360.0 + 0.9 / 360.0);
  return static_cast<int>(theta) % 360;
}

// The largest byte offset the index of `st` refers to (pos + size of its last entry), or -1.
int64_t index_end(AVStream* st) {
  int64_t end = -1;
  const int n = avformat_index_get_entries_count(st);
  for (int i = 0; i < n; ++i) {
    const AVIndexEntry* e = avformat_index_get_entry(st, i);
    if (e && e->pos >= 0) end = std::max<int64_t>(end, e->pos + e->size);
  }
  return end;
}

// Reads packets until one frame of stream `index` decodes; returns "" or the reason it did not.
std::string decode_first_frame(AVFormatContext* fmt, int index, const std::string& path) {
  CodecContextPtr dec = open_decoder(fmt, index, path, 1);
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  int last_error = 0;
  bool flushing = false;
  // A key frame comes within the first few hundred packets of any sane file; the bound keeps a
  // file whose chosen stream never decodes from being read to its end.
  for (int n_packets = 0; n_packets < 5000; ++n_packets) {
    if (!flushing) {
      const int rc = av_read_frame(fmt, pkt.get());
      if (rc < 0) {
        flushing = true;
        avcodec_send_packet(dec.get(), nullptr);
      } else {
        if (pkt->stream_index == index) {
          const int s = avcodec_send_packet(dec.get(), pkt.get());
          if (s < 0 && s != AVERROR(EAGAIN)) last_error = s;
        }
        av_packet_unref(pkt.get());
      }
    }
    const int r = avcodec_receive_frame(dec.get(), frame.get());
    if (r == 0) return "";
    if (r == AVERROR_EOF) break;
    if (r != AVERROR(EAGAIN)) last_error = r;
    if (flushing && r == AVERROR(EAGAIN)) break;
  }
  return "no decodable frame in stream " + std::to_string(index) +
         (last_error ? " (" + av_error_string(last_error) + ")" : std::string(" (stream ends first)"));
}

// Everything after opening: streams, sizes, the truncation check and the first decoded frame.
// `size` is the input's length in bytes; `path` names it in messages.
void probe_opened(AVFormatContext* fmt, int64_t size, const std::string& path,
                  const ProbeOptions& options, MediaInfo& info) {
  info.container = fmt->iformat && fmt->iformat->name ? fmt->iformat->name : "";
  const int v = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  const int a = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
    info.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
  if (v >= 0) {
    AVStream* st = fmt->streams[v];
    info.has_video = true;
    info.video_codec = avcodec_get_name(st->codecpar->codec_id);
    info.width = st->codecpar->width;
    info.height = st->codecpar->height;
    info.fps = to_double(st->avg_frame_rate);
    if (info.fps <= 0) info.fps = to_double(st->r_frame_rate);
    info.rotation_deg = rotation_of(st);
    if (st->nb_frames > 0) info.n_frames = st->nb_frames;
    if (info.duration_s <= 0 && st->duration != AV_NOPTS_VALUE && st->duration > 0)
      info.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
  }
  if (a >= 0) {
    AVStream* st = fmt->streams[a];
    info.has_audio = true;
    info.audio_codec = avcodec_get_name(st->codecpar->codec_id);
    info.sample_rate = st->codecpar->sample_rate;
    info.channels = st->codecpar->ch_layout.nb_channels;
    if (info.duration_s <= 0 && st->duration != AV_NOPTS_VALUE && st->duration > 0)
      info.duration_s = static_cast<double>(st->duration) * av_q2d(st->time_base);
  }
  if (v < 0 && a < 0) {
    info.error = path + ": no audio or video stream";
    return;
  }
  if (info.has_video && (info.width <= 0 || info.height <= 0)) {
    info.error = path + ": video stream has no frame size";
    return;
  }
  // A cut-off file (interrupted download or copy) keeps an index that points past its end.
  for (int s : {v, a}) {
    if (s < 0) continue;
    const int64_t end = index_end(fmt->streams[s]);
    if (end > size) {
      info.error = path + ": truncated: the index refers to byte " + std::to_string(end) +
                   " but the file has " + std::to_string(size) + " bytes";
      return;
    }
  }
  if (options.decode_first_frame) {
    const std::string why = decode_first_frame(fmt, v >= 0 ? v : a, path);
    if (!why.empty()) {
      info.error = path + ": " + why;
      return;
    }
  }
  info.ok = true;
}

// Bytes in memory read through libav's custom I/O.
struct MemoryReader {
  const uint8_t* data = nullptr;
  int64_t size = 0;
  int64_t pos = 0;

  static int read(void* opaque, uint8_t* buf, int buf_size) {
    auto* r = static_cast<MemoryReader*>(opaque);
    const int64_t n = std::min<int64_t>(buf_size, r->size - r->pos);
    if (n <= 0) return AVERROR_EOF;
    std::memcpy(buf, r->data + r->pos, static_cast<std::size_t>(n));
    r->pos += n;
    return static_cast<int>(n);
  }

  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* r = static_cast<MemoryReader*>(opaque);
    whence &= ~AVSEEK_FORCE;
    if (whence == AVSEEK_SIZE) return r->size;
    int64_t base = 0;
    if (whence == SEEK_CUR) base = r->pos;
    else if (whence == SEEK_END) base = r->size;
    else if (whence != SEEK_SET) return AVERROR(EINVAL);
    if (offset > r->size - base || offset < -base) return AVERROR(EINVAL);   // stays in [0, size]
    r->pos = base + offset;
    return r->pos;
  }
};

}  // namespace

MediaInfo probe_media(const std::string& path, const ProbeOptions& options) {
  MediaInfo info;
  info.path = path;
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      info.error = path + ": no such file";
      return info;
    }
    const auto file_size = static_cast<int64_t>(std::filesystem::file_size(path, ec));
    if (file_size == 0) {
      info.error = path + ": empty file (0 bytes)";
      return info;
    }
    FormatContextPtr fmt = open_input(path);
    probe_opened(fmt.get(), file_size, path, options, info);
  } catch (const std::exception& e) {   // MediaError from open_input/open_decoder, bad_alloc
    info.ok = false;
    info.error = e.what();
  }
  return info;
}

MediaInfo probe_media_bytes(const uint8_t* data, std::size_t size, const std::string& name,
                            const ProbeOptions& options) {
  MediaInfo info;
  info.path = name;
  try {
    if (size == 0) {
      info.error = name + ": empty file (0 bytes)";
      return info;
    }
    // Declared before the format context so it is closed first (it reads through `io`).
    MemoryReader reader{data, static_cast<int64_t>(size), 0};
    constexpr int kBufferSize = 4096;
    auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
    if (!buffer) throw std::bad_alloc();
    AvioContextPtr io(avio_alloc_context(buffer, kBufferSize, /*write_flag=*/0, &reader,
                                         &MemoryReader::read, nullptr, &MemoryReader::seek));
    if (!io) {
      av_free(buffer);
      throw std::bad_alloc();
    }
    FormatContextPtr fmt = open_input(io.get(), name);
    probe_opened(fmt.get(), reader.size, name, options, info);
  } catch (const std::exception& e) {
    info.ok = false;
    info.error = e.what();
  }
  return info;
}

}  // namespace dflab
