#include "modalities/media/cache_entry.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace dflab {

void publish_cache_entry(const std::string& root, const std::string& key, const fs::path& final_dir,
                         const std::function<void(const fs::path& dir)>& write_files,
                         const std::function<bool()>& theirs_is_valid) {
  // pid and a counter: threads and processes (shards) writing the same key never share a folder.
  static std::atomic<unsigned> counter{0};
  const fs::path tmp_dir =
      fs::path(root) / ".tmp" / (key + "." + std::to_string(::getpid()) + "." + std::to_string(counter++));
  std::error_code ec;
  fs::create_directories(tmp_dir, ec);
  if (ec) throw std::runtime_error(tmp_dir.string() + ": cannot create cache folder: " + ec.message());
  try {
    write_files(tmp_dir);
    fs::create_directories(final_dir.parent_path());
    fs::rename(tmp_dir, final_dir, ec);
    if (ec) {
      // Another writer got there first (folder not empty): keep theirs if it is valid.
      if (theirs_is_valid()) {
        fs::remove_all(tmp_dir);
        return;
      }
      fs::remove_all(final_dir);
      fs::rename(tmp_dir, final_dir);
    }
  } catch (...) {
    fs::remove_all(tmp_dir, ec);
    throw;
  }
}

void write_text_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out.flush()) throw std::runtime_error(file.string() + ": write failed");
}

}  // namespace dflab
