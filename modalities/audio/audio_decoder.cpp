#include "modalities/audio/audio_decoder.h"

#include <cmath>
#include <sstream>

#include "modalities/media/av_handles.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

namespace dflab {

const char* to_string(AudioDecodeStatus status) {
  switch (status) {
    case AudioDecodeStatus::ok: return "ok";
    case AudioDecodeStatus::no_audio_stream: return "no_audio_stream";
    case AudioDecodeStatus::unreadable: return "unreadable";
  }
  return "?";
}

std::string AudioDecodeOptions::canonical() const {
  std::ostringstream s;
  s.precision(17);
  s << "sr=" << sample_rate << ";offset=" << offset_s << ";max=" << max_duration_s
    << ";stream=" << stream_index;
  return s.str();
}

namespace {

// Converts decoded frames (any sample format / layout) to mono float at the output rate. Rebuilt
// when the stream changes format mid-way (some containers switch rate or layout).
class MonoResampler {
 public:
  explicit MonoResampler(int out_rate) : out_rate_(out_rate) {}

  // Appends the converted samples of `frame` to `out` (cleared first).
  void convert(const AVFrame* frame, std::vector<float>& out, const std::string& path) {
    if (!swr_ || frame->format != in_format_ || frame->sample_rate != in_rate_ ||
        frame->ch_layout.nb_channels != in_channels_)
      rebuild(frame, path);
    const int cap = swr_get_out_samples(swr_.get(), frame->nb_samples);
    out.resize(static_cast<std::size_t>(std::max(cap, 0)));
    uint8_t* dst = reinterpret_cast<uint8_t*>(out.data());
    const int n = swr_convert(swr_.get(), &dst, cap, const_cast<const uint8_t**>(frame->extended_data),
                              frame->nb_samples);
    if (n < 0) throw MediaError(path + ": resampling failed: " + av_error_string(n));
    out.resize(static_cast<std::size_t>(n));
  }

  // The samples still inside the resampler's filter at the end of the stream.
  void flush(std::vector<float>& out) {
    out.clear();
    if (!swr_) return;
    const int cap = swr_get_out_samples(swr_.get(), 0);
    if (cap <= 0) return;
    out.resize(static_cast<std::size_t>(cap));
    uint8_t* dst = reinterpret_cast<uint8_t*>(out.data());
    const int n = swr_convert(swr_.get(), &dst, cap, nullptr, 0);
    out.resize(static_cast<std::size_t>(std::max(n, 0)));
  }

 private:
  void rebuild(const AVFrame* frame, const std::string& path) {
    std::vector<float> tail;
    flush(tail);   // a mid-stream format change drops at most the filter's few samples
    in_format_ = frame->format;
    in_rate_ = frame->sample_rate;
    in_channels_ = frame->ch_layout.nb_channels;
    AVChannelLayout in_layout{};
    if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame->ch_layout.nb_channels <= 0)
      av_channel_layout_default(&in_layout, std::max(in_channels_, 1));
    else
      av_channel_layout_copy(&in_layout, &frame->ch_layout);
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    SwrContext* raw = nullptr;
    int rc = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, out_rate_, &in_layout,
                                 static_cast<AVSampleFormat>(in_format_), in_rate_, 0, nullptr);
    SwrContextPtr swr(raw);
    const int n_in = in_layout.nb_channels;
    av_channel_layout_uninit(&in_layout);
    if (rc < 0 || !swr) throw MediaError(path + ": cannot set up resampler: " + av_error_string(rc));
    // ref: librosa.to_mono — the mean of the channels.
    std::vector<double> matrix(static_cast<std::size_t>(n_in), 1.0 / n_in);
    rc = swr_set_matrix(swr.get(), matrix.data(), n_in);
    if (rc < 0) throw MediaError(path + ": cannot set downmix matrix: " + av_error_string(rc));
    rc = swr_init(swr.get());
    if (rc < 0) throw MediaError(path + ": cannot start resampler: " + av_error_string(rc));
    swr_ = std::move(swr);
  }

  int out_rate_;
  SwrContextPtr swr_;
  int in_format_ = -1, in_rate_ = 0, in_channels_ = 0;
};

// Drops the samples before the requested offset and stops at max_duration_s.
class OutputWindow {
 public:
  OutputWindow(const AudioSink& sink, std::size_t max_samples) : sink_(sink), max_(max_samples) {}
  void skip(std::size_t n) { skip_ = n; }
  bool full() const { return max_ > 0 && delivered_ >= max_; }
  std::size_t delivered() const { return delivered_; }

  void push(const std::vector<float>& chunk) {
    std::size_t begin = 0;
    if (skip_ > 0) {
      begin = std::min(skip_, chunk.size());
      skip_ -= begin;
    }
    std::size_t n = chunk.size() - begin;
    if (max_ > 0) n = std::min(n, max_ - std::min(max_, delivered_));
    if (n == 0) return;
    if (sink_) sink_(chunk.data() + begin, n);
    delivered_ += n;
  }

 private:
  const AudioSink& sink_;
  std::size_t max_;
  std::size_t skip_ = 0;
  std::size_t delivered_ = 0;
};

AudioDecodeInfo decode_impl(const std::string& path, const AudioDecodeOptions& options, const AudioSink& sink) {
  AudioDecodeInfo info;
  if (options.sample_rate < 0 || options.sample_rate > 768000)
    throw std::invalid_argument("decode_audio: sample_rate " + std::to_string(options.sample_rate) +
                                " out of [0, 768000]");
  if (!(options.offset_s >= 0.0) || !(options.max_duration_s >= 0.0))
    throw std::invalid_argument("decode_audio: offset_s and max_duration_s must be >= 0");

  FormatContextPtr fmt = open_input(path);   // MediaError → unreadable (caught by the caller)
  int idx = options.stream_index;
  if (idx < 0) {
    idx = av_find_best_stream(fmt.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (idx == AVERROR_STREAM_NOT_FOUND) {
      info.status = AudioDecodeStatus::no_audio_stream;
      info.error = path + ": no audio stream";
      return info;
    }
    if (idx < 0) throw MediaError(path + ": cannot select an audio stream: " + av_error_string(idx));
  } else if (idx >= static_cast<int>(fmt->nb_streams) ||
             fmt->streams[idx]->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) {
    info.status = AudioDecodeStatus::no_audio_stream;
    info.error = path + ": stream " + std::to_string(idx) + " is not an audio stream";
    return info;
  }
  AVStream* stream = fmt->streams[idx];
  for (unsigned i = 0; i < fmt->nb_streams; ++i)
    if (static_cast<int>(i) != idx) fmt->streams[i]->discard = AVDISCARD_ALL;   // don't demux video

  info.codec = avcodec_get_name(stream->codecpar->codec_id);
  info.source_sample_rate = stream->codecpar->sample_rate;
  info.source_channels = stream->codecpar->ch_layout.nb_channels;
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0)
    info.source_duration_s = stream->duration * av_q2d(stream->time_base);
  else if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0)
    info.source_duration_s = fmt->duration / double(AV_TIME_BASE);

  CodecContextPtr dec = open_decoder(fmt.get(), idx, path, 1);
  const int out_rate = options.sample_rate > 0 ? options.sample_rate : dec->sample_rate;
  if (out_rate <= 0) throw MediaError(path + ": audio stream declares no sample rate");
  info.sample_rate = out_rate;

  const std::size_t max_samples =
      options.max_duration_s > 0 ? static_cast<std::size_t>(std::llround(options.max_duration_s * out_rate)) : 0;
  OutputWindow window(sink, max_samples);

  // Offset: seek to the key point at or before it, then drop the samples between the first decoded
  // frame's timestamp and the offset. Without a usable timestamp, decode from the start and drop.
  const int64_t start_ts = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
  bool seeked = false;
  if (options.offset_s > 0) {
    const int64_t ts = start_ts + static_cast<int64_t>(options.offset_s / av_q2d(stream->time_base));
    seeked = avformat_seek_file(fmt.get(), idx, INT64_MIN, ts, ts, 0) >= 0;
    if (!seeked) window.skip(static_cast<std::size_t>(std::llround(options.offset_s * out_rate)));
  }
  bool first_frame = true;

  MonoResampler resampler(out_rate);
  PacketPtr pkt = make_packet();
  FramePtr frame = make_frame();
  std::vector<float> chunk;
  int consecutive_read_errors = 0;
  int n_frames = 0;

  auto drain = [&](bool& stop) {
    while (!stop) {
      int rc = avcodec_receive_frame(dec.get(), frame.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      if (rc < 0) {   // the decoder gave up on this packet: skip it
        ++info.n_corrupt_packets;
        return;
      }
      if (first_frame) {
        first_frame = false;
        const int64_t pts = frame->best_effort_timestamp;
        const double t0 = pts == AV_NOPTS_VALUE ? 0.0 : (pts - start_ts) * av_q2d(stream->time_base);
        info.start_s = start_ts * av_q2d(stream->time_base) + t0;
        if (seeked) {
          const double gap_s = options.offset_s - t0;
          if (gap_s > 0) {
            window.skip(static_cast<std::size_t>(std::llround(gap_s * out_rate)));
            info.start_s += gap_s;
          }
        } else {
          info.start_s += options.offset_s;   // dropped from the start by the window
        }
      }
      ++n_frames;
      resampler.convert(frame.get(), chunk, path);
      av_frame_unref(frame.get());
      window.push(chunk);
      if (window.full()) stop = true;
    }
  };

  bool stop = false;
  while (!stop) {
    int rc = av_read_frame(fmt.get(), pkt.get());
    if (rc == AVERROR_EOF) break;
    if (rc < 0) {
      // A damaged container: count it, and give up after a run of failures (end of usable data).
      ++info.n_corrupt_packets;
      if (++consecutive_read_errors >= 32 || rc == AVERROR(EIO)) break;
      continue;
    }
    consecutive_read_errors = 0;
    if (pkt->stream_index != idx) {
      av_packet_unref(pkt.get());
      continue;
    }
    rc = avcodec_send_packet(dec.get(), pkt.get());
    av_packet_unref(pkt.get());
    if (rc < 0 && rc != AVERROR(EAGAIN)) {
      ++info.n_corrupt_packets;
      continue;
    }
    drain(stop);
  }
  if (!stop) {   // end of file: flush the decoder, then the resampler's filter tail
    avcodec_send_packet(dec.get(), nullptr);
    drain(stop);
    if (!stop) {
      resampler.flush(chunk);
      window.push(chunk);
    }
  }

  info.n_samples = window.delivered();
  if (n_frames == 0 && info.n_corrupt_packets > 0) {
    info.status = AudioDecodeStatus::unreadable;
    info.error = path + ": no audio frame could be decoded (" + std::to_string(info.n_corrupt_packets) +
                 " corrupt packets)";
    return info;
  }
  info.status = AudioDecodeStatus::ok;
  if (info.n_corrupt_packets > 0)
    info.error = path + ": " + std::to_string(info.n_corrupt_packets) + " corrupt packet(s) skipped";
  return info;
}

}  // namespace

AudioDecodeInfo decode_audio_stream(const std::string& path, const AudioDecodeOptions& options, const AudioSink& sink) {
  try {
    return decode_impl(path, options, sink);
  } catch (const MediaError& e) {
    AudioDecodeInfo info;
    info.status = AudioDecodeStatus::unreadable;
    info.error = e.what();
    return info;
  }
}

DecodedAudio decode_audio(const std::string& path, const AudioDecodeOptions& options) {
  DecodedAudio out;
  if (options.max_duration_s > 0 && options.sample_rate > 0)
    out.samples.reserve(static_cast<std::size_t>(options.max_duration_s * options.sample_rate) + 1);
  AudioDecodeInfo info = decode_audio_stream(path, options, [&out](const float* s, std::size_t n) {
    out.samples.insert(out.samples.end(), s, s + n);
  });
  static_cast<AudioDecodeInfo&>(out) = std::move(info);
  if (!out.ok()) out.samples.clear();
  return out;
}

}  // namespace dflab
