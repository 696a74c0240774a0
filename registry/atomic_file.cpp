#include "registry/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace dflab {

namespace {

std::string errno_text() { return std::strerror(errno); }

// Writes `bytes` to `tmp` and flushes them to the disk; throws with the system's reason.
void write_all(const std::string& tmp, std::string_view bytes) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(errno_text());
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? errno_text() : "short write";
      ::close(fd);
      throw std::runtime_error(why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    throw std::runtime_error(why);
  }
  if (::close(fd) != 0) throw std::runtime_error(errno_text());
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const fs::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw std::runtime_error(path + ": cannot create folder '" + p.parent_path().string() + "': " + ec.message());
  }
  if (fs::is_directory(p, ec)) throw std::runtime_error(path + ": is a folder, not a file");
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  try {
    write_all(tmp, bytes);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);   // a full disk leaves no half-written temp file behind
    throw std::runtime_error(path + ": write failed: " + e.what());
  }
  fs::rename(tmp, p, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot move the finished file into place: " + reason);
  }
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ostringstream out;
  write(out);
  write_file_atomically(path, out.str());
}

}  // namespace dflab
