#include "modalities/video/frame_sampler.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace dflab {

FrameSampling FrameSampling::all() {
  FrameSampling s;
  s.strategy = Strategy::all;
  return s;
}

FrameSampling FrameSampling::every_nth(int n) {
  FrameSampling s;
  s.strategy = Strategy::every_nth;
  s.every_n = n;
  return s;
}

FrameSampling FrameSampling::uniform(int k) {
  FrameSampling s;
  s.strategy = Strategy::uniform;
  s.n_frames = k;
  return s;
}

FrameSampling FrameSampling::fixed_rate(double fps) {
  FrameSampling s;
  s.strategy = Strategy::rate;
  s.rate_fps = fps;
  return s;
}

FrameSampling& FrameSampling::window(double start, double end) {
  start_s = start;
  end_s = end;
  return *this;
}

void FrameSampling::validate() const {
  if (strategy == Strategy::every_nth && every_n < 1)
    throw std::invalid_argument("frame sampling: every_n must be >= 1, got " + std::to_string(every_n));
  if (strategy == Strategy::uniform && n_frames < 1)
    throw std::invalid_argument("frame sampling: n_frames must be >= 1, got " + std::to_string(n_frames));
  if (strategy == Strategy::rate && !(rate_fps > 0.0))
    throw std::invalid_argument("frame sampling: rate_fps must be > 0, got " + std::to_string(rate_fps));
  if (!(start_s >= 0.0) || !(end_s > start_s))
    throw std::invalid_argument("frame sampling: window [" + std::to_string(start_s) + ", " +
                                std::to_string(end_s) + ") is empty or negative");
}

std::string FrameSampling::canonical() const {
  std::ostringstream os;
  os.precision(17);
  os << to_string(strategy);
  switch (strategy) {
    case Strategy::every_nth: os << ":n=" << every_n; break;
    case Strategy::uniform: os << ":k=" << n_frames; break;
    case Strategy::rate: os << ":fps=" << rate_fps; break;
    case Strategy::all: break;
  }
  os << ";window=[" << start_s << "," << (std::isinf(end_s) ? std::string("inf") : std::to_string(end_s)) << ")";
  return os.str();
}

const char* to_string(FrameSampling::Strategy s) {
  switch (s) {
    case FrameSampling::Strategy::all: return "all";
    case FrameSampling::Strategy::every_nth: return "every_nth";
    case FrameSampling::Strategy::uniform: return "uniform";
    case FrameSampling::Strategy::rate: return "rate";
  }
  return "?";
}

FrameSampling::Strategy parse_strategy(const std::string& name) {
  for (auto s : {FrameSampling::Strategy::all, FrameSampling::Strategy::every_nth,
                 FrameSampling::Strategy::uniform, FrameSampling::Strategy::rate})
    if (name == to_string(s)) return s;
  throw std::invalid_argument("unknown frame sampling strategy '" + name +
                              "' (one of: all, every_nth, uniform, rate)");
}

FrameSampling frame_sampling(const std::string& strategy, int n_frames, double rate_fps, int every_n) {
  switch (parse_strategy(strategy)) {
    case FrameSampling::Strategy::uniform: return FrameSampling::uniform(n_frames);
    case FrameSampling::Strategy::rate: return FrameSampling::fixed_rate(rate_fps);
    case FrameSampling::Strategy::every_nth: return FrameSampling::every_nth(every_n);
    case FrameSampling::Strategy::all: break;
  }
  return FrameSampling::all();
}

FrameSelector::FrameSelector(const FrameSampling& sampling, double clip_start_s, double clip_end_s)
    : s_(sampling) {
  s_.validate();
  start_s_ = std::max(s_.start_s, clip_start_s);
  // Only uniform needs the clip end (to place its targets); the others run to the window end or
  // the last frame, since containers often give a duration that stops at the last frame's start.
  end_s_ = s_.strategy == FrameSampling::Strategy::uniform && std::isfinite(clip_end_s)
               ? std::min(s_.end_s, clip_end_s)
               : s_.end_s;
  if (s_.time_based() && !std::isfinite(end_s_) && s_.strategy == FrameSampling::Strategy::uniform)
    throw std::invalid_argument("frame sampling: uniform needs a known clip end");
  if (!(end_s_ > start_s_)) done_ = true;
}

double FrameSelector::target(std::int64_t i) const {
  if (s_.strategy == FrameSampling::Strategy::uniform)
    return start_s_ + (end_s_ - start_s_) * static_cast<double>(i) / s_.n_frames;
  return start_s_ + static_cast<double>(i) / s_.rate_fps;
}

std::optional<double> FrameSelector::next_target_s() const {
  if (done_) return std::nullopt;
  if (s_.time_based()) return target(next_i_);
  if (n_in_window_ == 0) return start_s_;   // counting starts at the window
  return std::nullopt;
}

bool FrameSelector::select(double ts) {
  if (done_) return false;
  if (ts < start_s_ - tolerance_s) return false;
  if (ts >= end_s_ - tolerance_s) {
    done_ = true;
    return false;
  }
  bool take = false;
  switch (s_.strategy) {
    case FrameSampling::Strategy::all: take = true; break;
    case FrameSampling::Strategy::every_nth: take = (n_in_window_ % s_.every_n) == 0; break;
    case FrameSampling::Strategy::uniform:
    case FrameSampling::Strategy::rate: {
      if (ts >= target(next_i_) - tolerance_s) {
        take = true;
        // Targets this frame already covers are met by it (no duplicates).
        while (target(next_i_) <= ts + tolerance_s &&
               (s_.strategy == FrameSampling::Strategy::rate || next_i_ < s_.n_frames))
          ++next_i_;
        if (s_.strategy == FrameSampling::Strategy::uniform && next_i_ >= s_.n_frames) done_ = true;
        if (target(next_i_) >= end_s_ - tolerance_s) done_ = true;
      }
      break;
    }
  }
  ++n_in_window_;
  if (take) ++n_selected_;
  return take;
}

}  // namespace dflab
