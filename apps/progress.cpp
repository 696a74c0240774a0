#include "apps/progress.h"

#include <unistd.h>

#include <cstdio>

namespace dflab::cli {

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds != seconds) return "?";
  long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

ProgressBar::ProgressBar(std::string label, std::size_t total)
    : label_(std::move(label)), total_(total), start_(std::chrono::steady_clock::now()),
      last_draw_(start_), tty_(isatty(STDERR_FILENO) != 0) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::tick(std::size_t n) {
  done_ += n;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (since < (tty_ ? 0.1 : 10.0)) return;
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock() || finished_) return;
  last_draw_ = now;
  draw(false);
}

void ProgressBar::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void ProgressBar::draw(bool final_draw) {
  const std::size_t done = done_.load();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0.0;
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const int width = 28;
  const int filled = static_cast<int>(frac * width + 0.5);
  std::string bar(static_cast<std::size_t>(std::min(filled, width)), '#');
  bar.resize(width, '.');
  const std::string eta = final_draw ? "took " + format_duration(elapsed)
                                     : "ETA " + (rate > 0 ? format_duration((total_ - done) / rate) : std::string("?"));
  std::fprintf(stderr, "%s%s [%s] %zu/%zu %5.1f%%  %.2f/s  %s%s", tty_ ? "\r" : "", label_.c_str(),
               bar.c_str(), done, total_, 100.0 * frac, rate, eta.c_str(),
               (tty_ && !final_draw) ? "\033[K" : "\n");
  std::fflush(stderr);
}

}  // namespace dflab::cli
