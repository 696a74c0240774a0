#pragma once
// On-disk cache of audio features, and parallel extraction of many files through it.
//
//   FeatureCache cache("runs/cache/audio");
//   auto mel = reg.create<AudioFeature>(kind::audio_feature, "mel", params);
//   std::vector<FeatureResult> r = extract_features(paths, *mel, {}, &cache, /*n_threads=*/0,
//       [](std::size_t done, std::size_t total, const FeatureResult& last) { ... });
//   // a second run reads every feature from the cache: no decode, no FFT
//
// An entry is keyed by (canonical path, size, mtime in ns) of the input, the feature's name and
// canonical Params, the decode options and kFormatVersion: touching a file or changing a parameter
// misses only the entries it concerns. Entries are written to a temporary file in the same folder
// and renamed into place, and carry magic, key, shape, size and an FNV-1a checksum, so an
// interrupted or truncated write is detected (and recomputed), never read as valid.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "modalities/audio/audio_decoder.h"
#include "modalities/audio/audio_feature.h"
#include "modalities/audio/feature_matrix.h"

namespace dflab {

struct FileIdentity {
  std::string canonical_path;
  std::uintmax_t size_bytes = 0;
  std::int64_t mtime_ns = 0;
  std::string text() const;   // "path|size|mtime_ns", the path escaped: never a raw newline
};

// Throws std::runtime_error naming the path when it does not exist.
FileIdentity file_identity(const std::string& path);

class FeatureCache {
 public:
  static constexpr std::uint32_t kFormatVersion = 1;   // bump when a feature's numbers change

  // Creates `dir` if needed; throws std::runtime_error when it cannot.
  explicit FeatureCache(std::string dir);
  const std::string& dir() const { return dir_; }

  static std::string key(const FileIdentity& input, const AudioFeature& feature, const AudioDecodeOptions& decode);
  // dir/<feature name>/<16 hex digits of the key's hash>.dfc
  std::string entry_path(const std::string& key) const;

  // nullopt when missing, truncated, corrupt, of another version, or holding another key.
  std::optional<FeatureMatrix> load(const std::string& key) const;
  // Atomic (temp + rename); throws std::runtime_error naming the file on I/O failure.
  void store(const std::string& key, const FeatureMatrix& feature) const;

 private:
  std::string dir_;
};

enum class ExtractStatus { ok, no_audio_stream, unreadable, feature_error };
const char* to_string(ExtractStatus status);

struct FeatureResult {
  std::string path;
  ExtractStatus status = ExtractStatus::unreadable;
  bool from_cache = false;
  FeatureMatrix feature;        // empty unless ok
  std::string error;            // names the file when !ok (or a warning about skipped packets)
  int n_corrupt_packets = 0;    // of the decode (0 when from_cache)
  double duration_s = 0;        // of the decoded audio (0 when from_cache)
  bool ok() const { return status == ExtractStatus::ok; }
  // Why it is not ok, naming the file (what `dflab audio features` and the Python module report).
  std::string failure_message() const { return error.empty() ? path + ": " + to_string(status) : error; }
};

// Decodes `path` at feature.sample_rate() (decode.sample_rate is overridden), computes the feature,
// going through `cache` when it is not null. Never throws for bad input.
FeatureResult extract_feature(const std::string& path, const AudioFeature& feature,
                              const AudioDecodeOptions& decode = {}, const FeatureCache* cache = nullptr);

// Called once per finished file, serialised (never concurrently), in completion order.
using ExtractProgress = std::function<void(std::size_t done, std::size_t total, const FeatureResult& last)>;

// extract_feature over `paths` on n_threads workers (0 = hardware concurrency); results in the
// order of `paths`. keep_features = false drops each matrix after caching it (bounded memory for
// cache warm-up runs).
std::vector<FeatureResult> extract_features(const std::vector<std::string>& paths, const AudioFeature& feature,
                                            const AudioDecodeOptions& decode, const FeatureCache* cache,
                                            int n_threads = 0, const ExtractProgress& progress = {},
                                            bool keep_features = true);

}  // namespace dflab
