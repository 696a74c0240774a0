#pragma once
// Where a video frame's audio is: the decoders' real timestamps put both streams on the
// container's timeline, so a frame shown at pts t hears the audio sample (t - audio_start) x rate.
// Variable frame rates, a track that starts late (ffmpeg -itsoffset, an empty edit) and an
// encoder's priming samples (dropped by the decoder as the edit list asks) are all in the
// timestamps; nothing here assumes index / fps.
//
//   AvTiming timing{video.start_s, audio.start_s, audio.sample_rate};
//   std::int64_t first = audio_window_start(timing, frame.timestamp_s, window_samples);
//   std::vector<float> w = audio_window(audio.samples, first, window_samples);   // zero outside
//
// ref: SyncNet (Chung & Zisserman, ACCV 2016 workshops) pairs 5 video frames (0.2 s at 25 fps)
// with the 0.2 s of MFCC frames at the same time; a window centred on the frame is that pairing.

#include <cstdint>
#include <vector>

namespace dflab {

struct AvTiming {
  double video_start_s = 0.0;   // VideoInfo::start_s: frame timestamps count from here
  double audio_start_s = 0.0;   // AudioDecodeInfo::start_s: presentation time of decoded sample 0
  int sample_rate = 0;          // of the decoded audio, Hz
};

// The decoded-audio sample presented with a frame at `frame_timestamp_s` (seconds from the video
// stream's start, VideoFrame::timestamp_s): round((video_start + t - audio_start) x rate). Negative
// when the frame comes before the audio starts.
std::int64_t audio_sample_at(const AvTiming& timing, double frame_timestamp_s);

// First sample of the `window_samples` window centred on that sample (centre - window / 2).
std::int64_t audio_window_start(const AvTiming& timing, double frame_timestamp_s, std::int64_t window_samples);

// samples[first, first + n), zeros where that lies outside the decoded audio (silence before the
// track starts and after it ends).
std::vector<float> audio_window(const std::vector<float>& samples, std::int64_t first, std::int64_t n);

// Share of [first, first + n) inside [0, n_samples): 1 when the whole window is real audio.
double window_coverage(std::int64_t first, std::int64_t n, std::size_t n_samples);

}  // namespace dflab
