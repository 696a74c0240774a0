#pragma once
// A progress bar with rate and ETA on stderr, safe to tick from worker threads.
//
//   ProgressBar bar("extract", videos.size());
//   parallel_for(...) { ...; bar.tick(); }
//   bar.finish();
//
// On a terminal it redraws one line at most 10 times a second; otherwise (CI logs, pipes) it
// prints a plain line every 10 seconds so logs stay short.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace dflab::cli {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total);
  ~ProgressBar();
  void tick(std::size_t n = 1);
  void finish();   // draws the final state and a newline; idempotent

 private:
  void draw(bool final_draw);
  std::string label_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
  bool tty_;
  bool finished_ = false;
};

// "1h02m", "3m05s", "12s"
std::string format_duration(double seconds);

}  // namespace dflab::cli
