#pragma once
// Ctrl-C and SIGTERM as a request to stop, not a kill. The signal handler (apps/main.cpp) only
// records the signal; long loops (preprocessing, training steps, inference batches) call
// throw_if_interrupted() at points where stopping loses nothing, so the write in progress
// finishes, the run is marked `interrupted` in the store and the command exits 128 + signal.
//
//   for (auto& batch : batches) { throw_if_interrupted(); train(batch); }
//   catch (const Interrupted& e) { store.finish_run(run, RunStatus::interrupted); throw; }

#include <stdexcept>

namespace dflab {

class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }

 private:
  int signal_;
};

// Async-signal-safe: one atomic store. The first request wins.
void request_interrupt(int signal) noexcept;
// 0, or the signal that asked to stop.
int interrupt_requested() noexcept;
// Throws Interrupted when a stop was requested.
void throw_if_interrupted();
// Forgets a request (tests; a long-lived process that handled one).
void clear_interrupt() noexcept;

// Test hook for stopping a process exactly between two steps. When $DFLAB_STOP_AT is "<name>" or
// "<name>:<n>", the n-th pass (default: the first) through fault_point("<name>") raises
// $DFLAB_STOP_SIGNAL (KILL, INT or TERM; default KILL) in this process. Points: preprocess_video
// (after a video's crops and features are cached), train_step (after an optimiser step),
// after_checkpoint (last.pt written, the epoch not yet in the store). Unset: does nothing.
void fault_point(const char* name);

}  // namespace dflab
