#pragma once
// A cache entry is a folder that appears whole or not at all: its files are written into a
// private folder under <root>/.tmp, then renamed into place. Shared by the face crop cache
// (modalities/video/face_cache.h) and the audio-visual cache (modalities/av/av_cache.h).
//
//   publish_cache_entry(root, key, entry_dir(key),
//                       [&](const fs::path& dir) { /* write crops, then */ write_text_file(dir / "meta.json", m.dump()); },
//                       [&] { return load(path, params).has_value(); });

#include <filesystem>
#include <functional>
#include <string>

namespace dflab {

// `write_files` fills the private folder; then it is renamed to `final_dir`. When another process
// published the same entry first, theirs is kept if `theirs_is_valid()` says so, else replaced.
// On any error the private folder is removed and the error rethrown.
void publish_cache_entry(const std::string& root, const std::string& key, const std::filesystem::path& final_dir,
                         const std::function<void(const std::filesystem::path& dir)>& write_files,
                         const std::function<bool()>& theirs_is_valid);

// Writes `text` to `file`, or throws an error naming it.
void write_text_file(const std::filesystem::path& file, const std::string& text);

}  // namespace dflab
