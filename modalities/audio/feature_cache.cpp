#include "modalities/audio/feature_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "modalities/media/cache_key.h"

namespace dflab {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'D', 'F', 'L', 'A', 'B', 'F', 'C', '\n'};

std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <class T>
bool get(const std::string& in, std::size_t& pos, T& v) {
  if (pos + sizeof(T) > in.size()) return false;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return true;
}

}  // namespace

std::string FileIdentity::text() const {
  return escape_path_for_key(canonical_path) + "|" + std::to_string(size_bytes) + "|" + std::to_string(mtime_ns);
}

FileIdentity file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": cannot stat: " + std::strerror(errno));
  FileIdentity id;
  std::error_code ec;
  id.canonical_path = fs::canonical(path, ec).string();
  if (ec) id.canonical_path = fs::absolute(path).string();
  id.size_bytes = static_cast<std::uintmax_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000ll + st.st_mtim.tv_nsec;
  return id;
}

FeatureCache::FeatureCache(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_)) throw std::runtime_error(dir_ + ": cannot create cache folder: " + ec.message());
}

std::string FeatureCache::key(const FileIdentity& input, const AudioFeature& feature, const AudioDecodeOptions& decode) {
  return "v" + std::to_string(kFormatVersion) + "\n" + input.text() + "\n" + feature.cache_key() + "\n" +
         decode.canonical();
}

std::string FeatureCache::entry_path(const std::string& key) const {
  // The feature name sits on the key's third line, before the ':' of its params.
  std::string name = "feature";
  const auto l2 = key.find('\n', key.find('\n') + 1);
  if (l2 != std::string::npos) name = key.substr(l2 + 1, key.find(':', l2) - l2 - 1);
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fnv1a(key.data(), key.size())));
  return (fs::path(dir_) / name / (std::string(hex) + ".dfc")).string();
}

std::optional<FeatureMatrix> FeatureCache::load(const std::string& key) const {
  std::ifstream in(entry_path(key), std::ios::binary);
  if (!in) return std::nullopt;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t pos = 0;
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  pos = sizeof(kMagic);
  std::uint32_t version = 0, key_len = 0;
  std::int32_t rows = 0, cols = 0;
  std::uint64_t payload = 0, checksum = 0;
  if (!get(bytes, pos, version) || version != kFormatVersion || !get(bytes, pos, key_len)) return std::nullopt;
  if (pos + key_len > bytes.size() || bytes.compare(pos, key_len, key) != 0 || key_len != key.size()) return std::nullopt;
  pos += key_len;
  if (!get(bytes, pos, rows) || !get(bytes, pos, cols) || !get(bytes, pos, payload) || !get(bytes, pos, checksum))
    return std::nullopt;
  if (rows < 0 || cols < 0 || payload != std::uint64_t(rows) * std::uint64_t(cols) * sizeof(float) ||
      bytes.size() != pos + payload)
    return std::nullopt;   // truncated or padded
  if (fnv1a(bytes.data() + pos, payload) != checksum) return std::nullopt;
  FeatureMatrix m(rows, cols);
  std::memcpy(m.data.data(), bytes.data() + pos, payload);
  return m;
}

void FeatureCache::store(const std::string& key, const FeatureMatrix& m) const {
  const fs::path final_path = entry_path(key);
  std::error_code ec;
  fs::create_directories(final_path.parent_path(), ec);
  std::string header(kMagic, sizeof(kMagic));
  put(header, kFormatVersion);
  put(header, static_cast<std::uint32_t>(key.size()));
  header += key;
  const std::uint64_t payload = m.data.size() * sizeof(float);
  put(header, static_cast<std::int32_t>(m.n_rows));
  put(header, static_cast<std::int32_t>(m.n_cols));
  put(header, payload);
  put(header, fnv1a(m.data.data(), payload));

  static std::atomic<std::uint64_t> counter{0};
  const fs::path tmp = final_path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(tmp.string() + ": cannot create cache entry");
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(m.data.data()), static_cast<std::streamsize>(payload));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      throw std::runtime_error(tmp.string() + ": cannot write cache entry");
    }
  }
  fs::rename(tmp, final_path, ec);   // atomic on POSIX within one folder
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error(final_path.string() + ": cannot move cache entry into place");
  }
}

const char* to_string(ExtractStatus status) {
  switch (status) {
    case ExtractStatus::ok: return "ok";
    case ExtractStatus::no_audio_stream: return "no_audio_stream";
    case ExtractStatus::unreadable: return "unreadable";
    case ExtractStatus::feature_error: return "feature_error";
  }
  return "?";
}

FeatureResult extract_feature(const std::string& path, const AudioFeature& feature, const AudioDecodeOptions& decode,
                              const FeatureCache* cache) {
  FeatureResult r;
  r.path = path;
  AudioDecodeOptions d = decode;
  d.sample_rate = feature.sample_rate();
  std::string key;
  if (cache) {
    try {
      key = FeatureCache::key(file_identity(path), feature, d);
    } catch (const std::exception& e) {
      r.status = ExtractStatus::unreadable;
      r.error = e.what();
      return r;
    }
    if (auto hit = cache->load(key)) {
      r.status = ExtractStatus::ok;
      r.from_cache = true;
      r.feature = std::move(*hit);
      return r;
    }
  }
  DecodedAudio audio = decode_audio(path, d);
  r.n_corrupt_packets = audio.n_corrupt_packets;
  r.duration_s = audio.duration_s();
  r.error = audio.error;
  if (audio.status == AudioDecodeStatus::no_audio_stream) {
    r.status = ExtractStatus::no_audio_stream;
    return r;
  }
  if (!audio.ok()) {
    r.status = ExtractStatus::unreadable;
    return r;
  }
  try {
    r.feature = feature.compute(audio.samples);
  } catch (const std::exception& e) {
    r.status = ExtractStatus::feature_error;
    r.error = path + ": " + feature.name() + ": " + e.what();
    return r;
  }
  r.status = ExtractStatus::ok;
  if (cache) {
    try {
      cache->store(key, r.feature);
    } catch (const std::exception& e) {
      r.error += (r.error.empty() ? "" : "; ") + std::string("cache: ") + e.what();   // the feature is still good
    }
  }
  return r;
}

std::vector<FeatureResult> extract_features(const std::vector<std::string>& paths, const AudioFeature& feature,
                                            const AudioDecodeOptions& decode, const FeatureCache* cache, int n_threads,
                                            const ExtractProgress& progress, bool keep_features) {
  std::vector<FeatureResult> results(paths.size());
  if (paths.empty()) return results;
  if (n_threads <= 0) n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  n_threads = std::min<int>(n_threads, static_cast<int>(paths.size()));
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex progress_mutex;
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < paths.size();) {
      FeatureResult r = extract_feature(paths[i], feature, decode, cache);
      if (!keep_features) r.feature = FeatureMatrix();
      results[i] = std::move(r);
      std::lock_guard<std::mutex> lock(progress_mutex);
      ++done;
      if (progress) progress(done, paths.size(), results[i]);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();   // the calling thread works too
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace dflab
