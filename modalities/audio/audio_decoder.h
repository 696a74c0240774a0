#pragma once
// Audio track of any container FFmpeg reads (mp4/AAC, mp4/MP3, mkv, wav, flac, ...) → mono float32
// at a requested sample rate, streamed packet by packet (memory is bounded by one packet and one
// resampled frame, never the whole compressed file).
//
//   AudioDecodeOptions opts;                 // 22050 Hz, whole file
//   opts.offset_s = 1.0; opts.max_duration_s = 4.0;
//   DecodedAudio a = decode_audio("clip.mp4", opts);
//   if (a.status == AudioDecodeStatus::no_audio_stream) { /* experiment decides: skip or silence */ }
//   else if (!a.ok()) std::cerr << a.error;  // names the file
//   // a.samples: a.samples.size() / a.sample_rate seconds of mono audio in [-1, 1]
//
// Never throws for bad input: a missing, unreadable or video-only file is an outcome. Corrupt
// packets are skipped and counted in n_corrupt_packets.
//
// Downmix is the plain mean of the channels (ref: librosa.to_mono), not libswresample's default
// matrix (which sums stereo at 0.707 each). Resampling uses libswresample's default filter, so
// samples differ slightly from librosa's soxr_hq resampler.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace dflab {

enum class AudioDecodeStatus { ok, no_audio_stream, unreadable };
const char* to_string(AudioDecodeStatus status);

struct AudioDecodeOptions {
  int sample_rate = 22050;       // output rate in Hz; 0 keeps the stream's own rate
  double offset_s = 0.0;         // start this many seconds into the stream
  double max_duration_s = 0.0;   // stop after this many seconds of output; 0 = to the end
  int stream_index = -1;         // -1: FFmpeg's best audio stream

  // "sr=22050;offset=0;max=0;stream=-1": part of feature cache keys.
  std::string canonical() const;
};

struct AudioDecodeInfo {
  AudioDecodeStatus status = AudioDecodeStatus::unreadable;
  int sample_rate = 0;              // of the output
  std::size_t n_samples = 0;        // mono output samples delivered
  int source_sample_rate = 0;
  int source_channels = 0;
  std::string codec;                // e.g. "mp3", "aac", "pcm_s16le"
  double source_duration_s = 0.0;   // as the container declares it (0 when unknown)
  // Presentation time of the first output sample on the container's timeline, seconds: the first
  // decoded frame's timestamp (after the decoder dropped the encoder's priming samples, as an edit
  // list asks) plus any offset skipped; the stream's start time when frames carry none. A track
  // muxed to start late (ffmpeg -itsoffset, an empty edit) starts here later. Video frames sit at
  // VideoInfo::start_s + VideoFrame::timestamp_s on the same timeline (modalities/av/av_timing.h).
  double start_s = 0.0;
  int n_corrupt_packets = 0;        // packets the decoder rejected and that were skipped
  std::string error;                // "path: reason" when !ok(); a warning when packets were skipped

  bool ok() const { return status == AudioDecodeStatus::ok; }
  double duration_s() const { return sample_rate > 0 ? double(n_samples) / sample_rate : 0.0; }
};

struct DecodedAudio : AudioDecodeInfo {
  std::vector<float> samples;   // mono, [n_samples], at sample_rate
};

// Receives consecutive chunks of mono output samples (pointer valid only during the call).
using AudioSink = std::function<void(const float* samples, std::size_t n)>;

// Streams the decoded audio to `sink` chunk by chunk; the sink never sees more than
// max_duration_s of audio.
AudioDecodeInfo decode_audio_stream(const std::string& path, const AudioDecodeOptions& options,
                               const AudioSink& sink);

// Decodes the whole (or the selected part of the) audio track into memory.
DecodedAudio decode_audio(const std::string& path, const AudioDecodeOptions& options = {});

}  // namespace dflab
