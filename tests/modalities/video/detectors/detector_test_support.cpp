#include "detector_test_support.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include <unistd.h>

#include <opencv2/imgcodecs.hpp>

#include "modalities/video/detectors/register_detectors.h"

namespace dflab::test {

namespace fs = std::filesystem;

std::optional<std::string> shared_path(const std::string& relative) {
  const fs::path p = fs::path(DFLAB_SHARED_DIR) / relative;
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::nullopt;
  return p.string();
}

cv::Mat shared_frame(const std::string& relative, double seconds) {
  static std::map<std::pair<std::string, double>, cv::Mat> cache;
  const auto key = std::make_pair(relative, seconds);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const auto clip = shared_path(relative);
  if (!clip) return {};
  // One folder per process, removed at exit.
  struct TempDir {
    fs::path path = fs::temp_directory_path() / ("dflab_detector_test_" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static const TempDir temp;
  const fs::path& dir = temp.path;
  const fs::path png = dir / ("frame" + std::to_string(cache.size()) + ".png");
  std::ostringstream cmd;
  cmd << "ffmpeg -nostdin -loglevel error -y -ss " << seconds << " -i '" << *clip
      << "' -frames:v 1 '" << png.string() << "' 2>/dev/null";
  if (std::system(cmd.str().c_str()) != 0) return {};
  cv::Mat frame = cv::imread(png.string(), cv::IMREAD_COLOR);
  std::error_code ec;
  fs::remove(png, ec);
  cache[key] = frame;
  return frame;
}

Registry detector_registry() {
  Registry reg;
  register_face_detector_plugins(reg);
  return reg;
}

std::optional<Params> detector_defaults(const Registry& registry, const std::string& name) {
  static const std::map<std::string, std::string> model_files = {
      {"yunet", "models/yunet/yunet_120x160_2022feb.onnx"},
      {"ultraface", "models/ultraface/version-RFB-320.onnx"},
      {"res10_ssd", "models/opencv_res10/opencv_face_detector_uint8.pb"},
      {"blazeface", "models/blazeface/face_detection_front_128x128_barracuda.onnx"},
      {"mtcnn", "models/mtcnn"},
  };
  Params p = registry.defaults(kind::face_detector, name);
  if (auto it = model_files.find(name); it != model_files.end()) {
    const auto path = shared_path(it->second);
    if (!path) return std::nullopt;
    p.set("model", *path);
  }
  return p;
}

std::vector<std::string> all_detector_names() {
  return {"blazeface", "dlib_hog", "haar", "lbp", "mtcnn", "res10_ssd", "ultraface", "yunet"};
}

}  // namespace dflab::test
