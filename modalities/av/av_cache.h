#pragma once
// On-disk cache of audio-visual samples (av_clip.h), beside the face cache and keyed the same way:
//
//   AvCache cache(cache_dir(exp, "av"));
//   const std::string params = face_params + "|" + options.canonical() + "|" + feature.cache_key();
//   std::optional<AvClip> av = cache.load(path, params);
//   if (!av) { av = make_av_clip(faces, feature, options); cache.store(*av, params); }
//
// Identity = canonical path + size + mtime (face_cache.h's VideoIdentity): an edited video misses.
// Layout: <root>/<key[0:2]>/<key>/{meta.json, mouth_000.png, ..., audio.npy}; audio.npy is float32
// [frames, features, feature frames] (np.load reads it). An entry is written into <root>/.tmp/ and
// renamed into place, so a killed run never leaves a half-written entry that reads as valid.

#include <optional>
#include <string>

#include "modalities/av/av_clip.h"
#include "modalities/video/face_cache.h"   // VideoIdentity

namespace dflab {

class AvCache {
 public:
  explicit AvCache(std::string root);
  static std::string key(const VideoIdentity& id, const std::string& params);
  std::string entry_dir(const std::string& key) const;

  // nullopt when absent, damaged, or made for another identity or params. Without `samples`, only
  // the status, timing and per-frame lists: mouths and audio stay empty (a training index).
  std::optional<AvClip> load(const std::string& video_path, const std::string& params, bool samples = true) const;
  // Atomic; keeps a valid entry another process wrote meanwhile. Throws std::runtime_error naming
  // the entry on I/O failure.
  void store(const AvClip& clip, const std::string& params) const;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

}  // namespace dflab
