#pragma once
// Test helper: encodes synthetic clips with libav whose frames carry their own index, so decoding
// and sampling can be checked frame by frame without any stored fixture.
//
// Frame content: the top half holds 8 vertical stripes, stripe b white when bit b of the frame
// index is set (MSB left); the bottom half is mid-grey. read_frame_index() reads it back from an
// upright BGR frame and survives H.264/MPEG-4 compression.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace dflab::test {

struct ClipSpec {
  int width = 64, height = 48;
  int n_frames = 30;
  int fps = 30;                       // nominal rate; time base 1/(fps*100) unless pts_ms is given
  std::vector<int64_t> pts_ms;        // variable frame rate: one pts per frame in milliseconds
  std::string codec = "libx264";      // libx264, mpeg4, ffv1, ... (falls back to mpeg4 if absent)
  int gop = 10;                       // key frame interval
  int max_b_frames = 2;
  int rotation_cw = 0;                // display matrix: player turns the stored frame clockwise
  bool faststart = true;              // mp4: index at the front (a truncated file stays readable)
  // Frame i's picture (BGR, stored as grey); default make_index_frame.
  std::function<cv::Mat(int)> painter;
};

// The picture written for frame `index` (BGR, width × height).
cv::Mat make_index_frame(int index, int width, int height);
// Reads the index back; -1 when the pattern is not readable.
int read_frame_index(const cv::Mat& bgr);

// Writes `path` (container from its extension). Throws std::runtime_error on failure.
void write_clip(const std::string& path, const ClipSpec& spec);

// A 16-bit mono PCM WAV file: an audio-only input.
void write_wav(const std::string& path, double seconds, int sample_rate = 16000);

// A fresh temporary directory (removed by the caller or left in /tmp).
std::string make_temp_dir(const std::string& prefix);

}  // namespace dflab::test
