#include "registry/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace dflab {

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const fs::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw std::runtime_error(path + ": cannot create folder '" + p.parent_path().string() + "': " + ec.message());
  }
  if (fs::is_directory(p, ec)) throw std::runtime_error(path + ": is a folder, not a file");
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path + ": cannot write (" + std::strerror(errno) + ")");
    try {
      write(out);
    } catch (...) {
      out.close();
      fs::remove(tmp, ec);
      throw;
    }
    if (!out.flush()) {
      out.close();
      fs::remove(tmp, ec);   // a full disk leaves no half-written temp file behind
      throw std::runtime_error(path + ": write failed (disk full?)");
    }
  }
  fs::rename(tmp, p, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot move the finished file into place: " + reason);
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  write_file_atomically(path, [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

}  // namespace dflab
