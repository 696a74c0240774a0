#include "apps/launch_ranks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "apps/cli.h"

namespace dflab::cli {

int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("cannot open a socket to find a free port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot find a free TCP port on 127.0.0.1");
  return ntohs(addr.sin_port);
}

int launch_local_ranks(const std::vector<std::string>& argv, int nproc) {
  std::vector<std::string> args;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--nproc") {
      ++i;
      continue;
    }
    if (argv[i].rfind("--nproc=", 0) == 0) continue;
    args.push_back(argv[i]);
  }
  const char* port_env = std::getenv("MASTER_PORT");
  const std::string port = port_env ? port_env : std::to_string(free_local_port());
  std::vector<pid_t> pids;
  for (int r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("cannot start rank " + std::to_string(r) + ": fork failed");
    if (pid == 0) {
      ::setenv("RANK", std::to_string(r).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<char*> cargs;
      for (auto& a : args) cargs.push_back(a.data());
      cargs.push_back(nullptr);
      ::execv("/proc/self/exe", cargs.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  // Ctrl-C reaches every rank (one process group); the launcher itself only waits.
  int first_failure = 0, rank0 = 0;
  bool stopping = false;
  std::size_t alive = pids.size();
  auto deadline = std::chrono::steady_clock::time_point::max();
  while (alive > 0) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, stopping ? WNOHANG : 0);
    if (pid == 0) {   // stopping: the others still run
      if (std::chrono::steady_clock::now() > deadline)
        for (pid_t p : pids)
          if (p > 0) ::kill(p, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    int rank = -1;
    for (std::size_t r = 0; r < pids.size(); ++r)
      if (pids[r] == pid) {
        rank = static_cast<int>(r);
        pids[r] = -1;
      }
    if (rank < 0) continue;
    --alive;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (rank == 0) rank0 = code;
    if (code != 0 && !first_failure) {
      first_failure = code;
      if (alive > 0) {
        error("rank " + std::to_string(rank) + " of " + std::to_string(nproc) + " " +
              (WIFEXITED(status) ? "exited with code " + std::to_string(code)
                                 : "was killed by signal " + std::to_string(WTERMSIG(status))) +
              "; stopping the other ranks");
        for (pid_t p : pids)
          if (p > 0) ::kill(p, SIGTERM);
        stopping = true;
        deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      }
    }
  }
  return first_failure ? first_failure : rank0;
}

}  // namespace dflab::cli
