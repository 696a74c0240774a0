#pragma once
// Runs the built `dflab` binary for CLI tests: exit code, stdout and stderr captured apart.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace dflab::testing {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string dflab_binary() { return std::string(DFLAB_BINARY_DIR) + "/apps/dflab"; }

// `args` is appended to the binary path as shell words (quote paths with spaces yourself).
inline CliResult run_dflab(const std::string& args) {
  static int counter = 0;
  const std::string err_path = "/tmp/dflab_cli_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const std::string cmd = dflab_binary() + " " + args + " 2>" + err_path + " </dev/null";
  CliResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  std::stringstream ss;
  ss << err.rdbuf();
  r.err = ss.str();
  std::remove(err_path.c_str());
  return r;
}

}  // namespace dflab::testing
