#pragma once
// On-disk cache of extracted faces, one entry per (video identity, parameters):
//
//   FaceCache cache("runs/cache/faces");
//   const std::string params = face_cache_params(opt, "haar", detector_params);
//   std::optional<FaceClip> clip = cache.load(path, params);
//   if (!clip) { clip = extract_faces(path, *det, opt); cache.store(*clip, params); }
//
// Identity = canonical path + size + modification time (ns): an edited or replaced video misses.
// Layout: <root>/<key[0:2]>/<key>/{meta.json, crop_000.png, ...}; crops are lossless PNG by
// default (a deepfake detector must not learn our JPEG artefacts), JPEG on request.
// An entry is written into <root>/.tmp/ and renamed into place, so a killed extract never leaves
// a half-written entry that reads as valid; load() also checks the entry's identity and params.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modalities/video/face_extractor.h"
#include "registry/params.h"

namespace dflab {

struct VideoIdentity {
  std::string canonical_path;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;

  // Throws std::runtime_error naming the file when it cannot be stat'ed.
  static VideoIdentity of(const std::string& path);
  std::string text() const;   // "path|size|mtime_ns", the path escaped: never a raw newline
};

// The canonical parameter string of an extraction: options + detector name + its parameters.
std::string face_cache_params(const FaceExtractOptions& options, const std::string& detector,
                              const Params& detector_params);

enum class CacheImageFormat { png, jpeg };

class FaceCache {
 public:
  explicit FaceCache(std::string root, CacheImageFormat format = CacheImageFormat::png,
                     int jpeg_quality = 95);

  // 16 hex digits (FNV-1a 64 of identity text and params): stable across runs and machines.
  static std::string key(const VideoIdentity& id, const std::string& params);
  std::string entry_dir(const std::string& key) const;

  bool contains(const std::string& video_path, const std::string& params) const;
  // nullopt when absent, unreadable, or made for another identity/params. sampled_frames and
  // detections are not cached.
  std::optional<FaceClip> load(const std::string& video_path, const std::string& params) const;
  // Like load, but without reading pixels: `clip.frames` stays empty and `crop_files[i]` is the
  // absolute path of crop i, so a training loader can read one crop at a time instead of a clip.
  struct Index {
    FaceClip clip;
    std::vector<std::string> crop_files;
  };
  std::optional<Index> index(const std::string& video_path, const std::string& params) const;
  // Writes the entry atomically; replaces an invalid entry; keeps a valid one written meanwhile
  // by another process. Throws std::runtime_error naming the entry on I/O failure.
  void store(const FaceClip& clip, const std::string& params) const;

  const std::string& root() const { return root_; }

 private:
  std::optional<Index> read(const std::string& video_path, const std::string& params, bool pixels) const;
  std::string root_;
  CacheImageFormat format_;
  int jpeg_quality_;
};

}  // namespace dflab
