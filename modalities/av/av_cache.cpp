#include "modalities/av/av_cache.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "modalities/audio/npy.h"
#include "modalities/media/cache_entry.h"
#include "modalities/media/cache_key.h"
#include "modalities/video/face_cache.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dflab {

namespace {

constexpr int kFormatVersion = 1;

std::string mouth_name(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "mouth_%03zu.png", i);
  return buf;
}

}  // namespace

AvCache::AvCache(std::string root) : root_(std::move(root)) {
  if (root_.empty()) throw std::invalid_argument("audio-visual cache: empty root folder");
}

std::string AvCache::key(const VideoIdentity& id, const std::string& params) {
  return cache_entry_name(id.text(), params);
}

std::string AvCache::entry_dir(const std::string& key) const {
  return (fs::path(root_) / key.substr(0, 2) / key).string();
}

std::optional<AvClip> AvCache::load(const std::string& video_path, const std::string& params, bool samples) const {
  try {
    const VideoIdentity id = VideoIdentity::of(video_path);
    const std::string identity = id.text();
    const fs::path dir = entry_dir(key(id, params));
    std::ifstream in(dir / "meta.json");
    if (!in) return std::nullopt;
    const json m = json::parse(in);
    if (m.at("version").get<int>() != kFormatVersion || m.at("identity").get<std::string>() != identity ||
        m.at("params").get<std::string>() != params)
      return std::nullopt;
    AvClip av;
    av.path = video_path;
    av.status = parse_av_status(m.at("status").get<std::string>());
    av.message = m.at("message").get<std::string>();
    av.video_start_s = m.at("video_start_s").get<double>();
    av.audio_start_s = m.at("audio_start_s").get<double>();
    av.sample_rate = m.at("sample_rate").get<int>();
    av.window_samples = m.at("window_samples").get<std::int64_t>();
    const json& frames = m.at("frames");
    if (frames.empty()) return av;
    if (!samples) {
      for (const json& f : frames) {
        if (!fs::is_regular_file(dir / f.at("mouth").get<std::string>())) return std::nullopt;
        av.timestamps_s.push_back(f.at("t").get<double>());
        av.window_starts.push_back(f.at("window_start").get<std::int64_t>());
        av.coverage.push_back(f.at("coverage").get<float>());
        av.mouth_from_landmarks.push_back(f.at("from_landmarks").get<bool>() ? 1 : 0);
      }
      return fs::is_regular_file(dir / "audio.npy") ? std::optional<AvClip>(std::move(av)) : std::nullopt;
    }
    const NpyArray audio = read_npy_array((dir / "audio.npy").string());
    if (audio.shape.size() != 3 || audio.shape[0] != static_cast<std::int64_t>(frames.size())) return std::nullopt;
    const auto rows = static_cast<int>(audio.shape[1]), cols = static_cast<int>(audio.shape[2]);
    const std::size_t per = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const json& f = frames[i];
      cv::Mat mouth = cv::imread((dir / f.at("mouth").get<std::string>()).string(), cv::IMREAD_COLOR);
      if (mouth.empty()) return std::nullopt;
      av.mouths.push_back(mouth);
      av.timestamps_s.push_back(f.at("t").get<double>());
      av.window_starts.push_back(f.at("window_start").get<std::int64_t>());
      av.coverage.push_back(f.at("coverage").get<float>());
      av.mouth_from_landmarks.push_back(f.at("from_landmarks").get<bool>() ? 1 : 0);
      FeatureMatrix w(rows, cols);
      std::copy(audio.data.begin() + static_cast<std::ptrdiff_t>(i * per),
                audio.data.begin() + static_cast<std::ptrdiff_t>((i + 1) * per), w.data.begin());
      av.audio.push_back(std::move(w));
    }
    return av;
  } catch (const std::exception&) {
    return std::nullopt;   // missing video or damaged entry: absent, rewritten by the next store()
  }
}

void AvCache::store(const AvClip& av, const std::string& params) const {
  const VideoIdentity id = VideoIdentity::of(av.path);
  const std::string k = key(id, params);
  const fs::path final_dir = entry_dir(k);
  publish_cache_entry(
      root_, k, final_dir,
      [&](const fs::path& tmp_dir) {
        json m;
        m["version"] = kFormatVersion;
        m["identity"] = id.text();
        m["params"] = params;
        m["status"] = to_string(av.status);
        m["message"] = av.message;
        m["video_start_s"] = av.video_start_s;
        m["audio_start_s"] = av.audio_start_s;
        m["sample_rate"] = av.sample_rate;
        m["window_samples"] = av.window_samples;
        json frames = json::array();
        NpyArray audio;
        for (std::size_t i = 0; i < av.mouths.size(); ++i) {
          const std::string file = mouth_name(i);
          if (!cv::imwrite((tmp_dir / file).string(), av.mouths[i], {cv::IMWRITE_PNG_COMPRESSION, 1}))
            throw std::runtime_error((tmp_dir / file).string() + ": cannot write mouth crop");
          frames.push_back({{"mouth", file},
                            {"t", av.timestamps_s.at(i)},
                            {"window_start", av.window_starts.at(i)},
                            {"coverage", av.coverage.at(i)},
                            {"from_landmarks", av.mouth_from_landmarks.at(i) != 0}});
          const FeatureMatrix& w = av.audio.at(i);
          if (i == 0) audio.shape = {static_cast<std::int64_t>(av.mouths.size()), w.n_rows, w.n_cols};
          else if (w.n_rows != audio.shape[1] || w.n_cols != audio.shape[2])
            throw std::logic_error(av.path + ": audio windows of different shapes");
          audio.data.insert(audio.data.end(), w.data.begin(), w.data.end());
        }
        if (!av.mouths.empty()) write_npy_array((tmp_dir / "audio.npy").string(), audio);
        m["frames"] = frames;
        write_text_file(tmp_dir / "meta.json", m.dump(1));
      },
      [&] { return load(av.path, params).has_value(); });
}

}  // namespace dflab
