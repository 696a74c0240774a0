#include "modalities/video/face_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "modalities/media/cache_entry.h"
#include "modalities/media/cache_key.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace dflab {

namespace {

constexpr int kFormatVersion = 1;

json rect_json(const cv::Rect2f& r) { return {r.x, r.y, r.width, r.height}; }
cv::Rect2f rect_from(const json& j) {
  return {j.at(0).get<float>(), j.at(1).get<float>(), j.at(2).get<float>(), j.at(3).get<float>()};
}

std::string crop_name(std::size_t i, CacheImageFormat f) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "crop_%03zu.%s", i, f == CacheImageFormat::png ? "png" : "jpg");
  return buf;
}

}  // namespace

VideoIdentity VideoIdentity::of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": cannot stat (missing?)");
  std::error_code ec;
  fs::path canon = fs::canonical(path, ec);
  VideoIdentity id;
  id.canonical_path = ec ? fs::absolute(path).string() : canon.string();
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return id;
}

std::string VideoIdentity::text() const {
  return escape_path_for_key(canonical_path) + "|" + std::to_string(size) + "|" + std::to_string(mtime_ns);
}

std::string face_cache_params(const FaceExtractOptions& options, const std::string& detector,
                              const Params& detector_params) {
  return options.canonical() + ";decoder=" + std::to_string(kDecodedPixelsVersion) + ";detector=" + detector + "{" +
         detector_params.canonical() + "}";
}

FaceCache::FaceCache(std::string root, CacheImageFormat format, int jpeg_quality)
    : root_(std::move(root)), format_(format), jpeg_quality_(jpeg_quality) {
  if (root_.empty()) throw std::invalid_argument("face cache: empty root folder");
}

std::string FaceCache::key(const VideoIdentity& id, const std::string& params) {
  return cache_entry_name(id.text(), params);
}

std::string FaceCache::entry_dir(const std::string& key) const {
  return (fs::path(root_) / key.substr(0, 2) / key).string();
}

bool FaceCache::contains(const std::string& video_path, const std::string& params) const {
  return load(video_path, params).has_value();
}

std::optional<FaceClip> FaceCache::load(const std::string& video_path, const std::string& params) const {
  std::optional<Index> entry = read(video_path, params, true);
  if (!entry) return std::nullopt;
  return std::move(entry->clip);
}

std::optional<FaceCache::Index> FaceCache::index(const std::string& video_path, const std::string& params) const {
  return read(video_path, params, false);
}

std::optional<FaceCache::Index> FaceCache::read(const std::string& video_path, const std::string& params,
                                                bool pixels) const {
  VideoIdentity id;
  try {
    id = VideoIdentity::of(video_path);
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
  const fs::path dir = entry_dir(key(id, params));
  std::ifstream in(dir / "meta.json");
  if (!in) return std::nullopt;
  try {
    json m = json::parse(in);
    if (m.at("version").get<int>() != kFormatVersion || m.at("identity").get<std::string>() != id.text() ||
        m.at("params").get<std::string>() != params)
      return std::nullopt;
    Index entry;
    FaceClip& clip = entry.clip;
    clip.path = video_path;
    clip.status = parse_clip_status(m.at("status").get<std::string>());
    clip.message = m.at("message").get<std::string>();
    clip.n_tracks = m.at("n_tracks").get<int>();
    const json& info = m.at("info");
    clip.info.path = video_path;
    clip.info.width = info.at("width");
    clip.info.height = info.at("height");
    clip.info.rotation_deg = info.at("rotation_deg");
    clip.info.fps = info.at("fps");
    clip.info.duration_s = info.at("duration_s");
    clip.info.n_frames = info.at("n_frames");
    clip.info.codec = info.at("codec").get<std::string>();
    for (const json& f : m.at("frames")) {
      const std::string file = f.at("file").get<std::string>();
      const std::string crop_path = (dir / file).string();
      if (pixels) {
        cv::Mat crop = cv::imread(crop_path, cv::IMREAD_COLOR);
        if (crop.empty()) return std::nullopt;
        clip.frames.push_back(crop);
      } else if (!fs::is_regular_file(crop_path)) {
        return std::nullopt;
      }
      entry.crop_files.push_back(crop_path);
      clip.timestamps_s.push_back(f.at("t").get<double>());
      clip.frame_indices.push_back(f.at("index").get<std::int64_t>());
      clip.crop_boxes.push_back(rect_from(f.at("crop_box")));
      clip.face_boxes.push_back(rect_from(f.at("face_box")));
      clip.detected.push_back(f.at("detected").get<bool>() ? 1 : 0);
      std::vector<cv::Point2f> pts;
      for (const json& p : f.at("landmarks")) pts.emplace_back(p.at(0).get<float>(), p.at(1).get<float>());
      clip.landmarks.push_back(std::move(pts));
    }
    return entry;
  } catch (const std::exception&) {
    return std::nullopt;   // damaged entry: treated as absent, rewritten by the next store()
  }
}

void FaceCache::store(const FaceClip& clip, const std::string& params) const {
  const VideoIdentity id = VideoIdentity::of(clip.path);
  const std::string k = key(id, params);
  const fs::path final_dir = entry_dir(k);
  publish_cache_entry(
      root_, k, final_dir,
      [&](const fs::path& tmp_dir) {
        json m;
        m["version"] = kFormatVersion;
        m["identity"] = id.text();
        m["params"] = params;
        m["status"] = to_string(clip.status);
        m["message"] = clip.message;
        m["n_tracks"] = clip.n_tracks;
        m["info"] = {{"width", clip.info.width},       {"height", clip.info.height},
                     {"rotation_deg", clip.info.rotation_deg}, {"fps", clip.info.fps},
                     {"duration_s", clip.info.duration_s}, {"n_frames", clip.info.n_frames},
                     {"codec", clip.info.codec}};
        json frames = json::array();
        const std::vector<int> img_params =
            format_ == CacheImageFormat::jpeg ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, jpeg_quality_}
                                              : std::vector<int>{cv::IMWRITE_PNG_COMPRESSION, 1};
        for (std::size_t i = 0; i < clip.frames.size(); ++i) {
          const std::string file = crop_name(i, format_);
          if (!cv::imwrite((tmp_dir / file).string(), clip.frames[i], img_params))
            throw std::runtime_error((tmp_dir / file).string() + ": cannot write crop");
          json pts = json::array();
          if (i < clip.landmarks.size())
            for (const auto& p : clip.landmarks[i]) pts.push_back({p.x, p.y});
          frames.push_back({{"file", file},
                            {"t", clip.timestamps_s.at(i)},
                            {"index", clip.frame_indices.at(i)},
                            {"crop_box", rect_json(clip.crop_boxes.at(i))},
                            {"face_box", rect_json(clip.face_boxes.at(i))},
                            {"detected", clip.detected.at(i) != 0},
                            {"landmarks", pts}});
        }
        m["frames"] = frames;
        write_text_file(tmp_dir / "meta.json", m.dump(1));
      },
      [&] { return load(clip.path, params).has_value(); });
}

}  // namespace dflab
