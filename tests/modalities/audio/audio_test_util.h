#pragma once
// Helpers of the audio tests: a per-test temporary folder, ffmpeg-made media, known signals.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace dflab::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = fs::temp_directory_path() / ("dflab_audio_test_" + std::to_string(stamp) + "_" + std::to_string(std::rand()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline bool have_ffmpeg() { return std::system("ffmpeg -version > /dev/null 2>&1") == 0; }

// Runs ffmpeg quietly with `args`; true on success.
inline bool ffmpeg(const std::string& args) {
  return std::system(("ffmpeg -v error -y -nostdin " + args + " > /dev/null 2>&1").c_str()) == 0;
}

inline std::vector<float> sine(double freq_hz, int sample_rate, double seconds, float amp = 0.5f) {
  std::vector<float> x(static_cast<std::size_t>(std::llround(seconds * sample_rate)));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = amp * static_cast<float>(std::sin(2 * M_PI * freq_hz * double(i) / sample_rate));
  return x;
}

inline std::string shared_dir() { return DFLAB_SHARED_DIR; }

}  // namespace dflab::test
