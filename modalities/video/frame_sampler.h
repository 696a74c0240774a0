#pragma once
// Which frames of a video to keep: every n-th, k spread uniformly over the clip, a fixed rate,
// all of them — each optionally restricted to a time window [start_s, end_s).
//
//   FrameSampling s = FrameSampling::uniform(16);          // 16 frames spread over the clip
//   FrameSampling r = FrameSampling::fixed_rate(15.0);     // 15 fps, as the DFDC 3rd place
//   r.start_s = 2.0; r.end_s = 6.0;                        // ...only between 2 s and 6 s
//   FrameSelector sel(s, /*clip_start_s=*/0.0, /*clip_end_s=*/10.0);
//   for each decoded frame:  if (sel.select(index, timestamp_s)) keep it;  if (sel.done()) stop;
//
// Time-based strategies (uniform, rate) work on timestamps, not frame counts, so variable frame
// rate clips are sampled evenly in time. A frame is taken at most once: the first frame whose
// timestamp is at or after each target time. When targets are closer together than frames
// (k larger than the frame count, a rate above the clip's), fewer frames come out, never duplicates.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace dflab {

struct FrameSampling {
  enum class Strategy { all, every_nth, uniform, rate };

  Strategy strategy = Strategy::uniform;
  int every_n = 1;          // every_nth: keep frames 0, n, 2n, ... (counted inside the window)
  int n_frames = 16;        // uniform: how many frames
  double rate_fps = 15.0;   // rate: frames per second
  double start_s = 0.0;     // window, seconds from the start of the video stream
  double end_s = std::numeric_limits<double>::infinity();

  static FrameSampling all();
  static FrameSampling every_nth(int n);
  static FrameSampling uniform(int k);
  static FrameSampling fixed_rate(double fps);
  FrameSampling& window(double start, double end);

  // Throws std::invalid_argument for n < 1, k < 1, rate <= 0, or an empty/negative window.
  void validate() const;
  // Canonical text, e.g. "uniform:k=16;window=[0,inf)": part of cache keys.
  std::string canonical() const;
  // True when selection depends on timestamps only (uniform, rate), not on counting every frame.
  bool time_based() const { return strategy == Strategy::uniform || strategy == Strategy::rate; }
};

const char* to_string(FrameSampling::Strategy s);
// "all" | "every_nth" | "uniform" | "rate"; throws std::invalid_argument naming the choices.
FrameSampling::Strategy parse_strategy(const std::string& name);
// The sampling a strategy name picks, with that strategy's setting (n_frames for uniform, rate_fps
// for rate, every_n for every_nth; the others are unused), as `dflab video faces --strategy` and
// the Python module's video.faces() take it. Throws std::invalid_argument for an unknown name.
FrameSampling frame_sampling(const std::string& strategy, int n_frames, double rate_fps, int every_n);

// Streaming selection over frames in presentation order. Stateful: one per decode pass.
class FrameSelector {
 public:
  // Timestamps are seconds from the stream start; clip_end_s is the end of the last frame
  // (start + duration), used by uniform to place its targets inside [window start, clip end).
  FrameSelector(const FrameSampling& sampling, double clip_start_s, double clip_end_s);

  // Called once per decoded frame, in presentation order; true when the frame is selected.
  bool select(double timestamp_s);
  // Nothing more can be selected (every target met, or past the window end).
  bool done() const { return done_; }
  // The earliest timestamp the next selected frame can have: frames before it are never selected,
  // so a decoder may skip or seek past them. nullopt when that depends on counting frames.
  std::optional<double> next_target_s() const;
  // Frames selected so far.
  int n_selected() const { return n_selected_; }

  // Timestamps matching within this much count as reaching a target (clock rounding).
  static constexpr double tolerance_s = 1e-3;

 private:
  double target(std::int64_t i) const;

  FrameSampling s_;
  double start_s_, end_s_;
  std::int64_t next_i_ = 0;        // next target number (uniform, rate)
  std::int64_t n_in_window_ = 0;   // frames seen inside the window (every_nth)
  int n_selected_ = 0;
  bool done_ = false;
};

}  // namespace dflab
