// Linked into every test binary of an ASan build (tests/CMakeLists.txt). The processes a test
// starts (the `dflab` binary in CLI tests, `dflab serve`, forked runs) inherit this process's
// ASAN_OPTIONS with detect_leaks=0 appended. Why: LeakSanitizer's stop-the-world tracer crashes
// intermittently at the exit of multi-threaded processes on VMs ("Tracer caught signal 11 ...
// LeakSanitizer has encountered a fatal error", google/sanitizers#1353, #1170), after the child
// has done its work; it failed 7 CLI tests that way in the first full run. ASan's memory checks
// and UBSan stay on in the children, and the test binary itself keeps leak checking: its runtime
// read ASAN_OPTIONS at start-up, before this initialiser runs.
#include <cstdlib>
#include <string>

namespace {

const bool children_run_without_leak_check = [] {
  const char* own = std::getenv("ASAN_OPTIONS");
  std::string options = own ? own : "";
  options += options.empty() ? "detect_leaks=0" : ":detect_leaks=0";
  return ::setenv("ASAN_OPTIONS", options.c_str(), 1) == 0;
}();

}  // namespace
