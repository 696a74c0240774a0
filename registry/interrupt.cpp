#include "registry/interrupt.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

namespace dflab {

namespace {
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

std::string signal_name(int s) {
  if (s == SIGINT) return "SIGINT (Ctrl-C)";
  if (s == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(s);
}
}  // namespace

Interrupted::Interrupted(int signal) : std::runtime_error("interrupted by " + signal_name(signal)), signal_(signal) {}

void request_interrupt(int signal) noexcept {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, signal);
}

int interrupt_requested() noexcept { return g_signal.load(std::memory_order_relaxed); }

void throw_if_interrupted() {
  if (const int s = interrupt_requested()) throw Interrupted(s);
}

void clear_interrupt() noexcept { g_signal.store(0); }

void fault_point(const char* name) {
  static const char* spec = std::getenv("DFLAB_STOP_AT");
  if (!spec || !*spec) return;
  const std::string s(spec);
  const std::size_t colon = s.find(':');
  if (s.substr(0, colon) != name) return;
  static std::atomic<long> passes{0};
  const long wanted = colon == std::string::npos ? 1 : std::atol(s.c_str() + colon + 1);
  if (++passes != wanted) return;
  const char* sig = std::getenv("DFLAB_STOP_SIGNAL");
  const std::string which = sig ? sig : "KILL";
  ::raise(which == "INT" ? SIGINT : which == "TERM" ? SIGTERM : SIGKILL);
}

}  // namespace dflab
