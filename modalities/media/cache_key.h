#pragma once
// A file path as written into a cache key: the audio feature cache stores its key line by line
// (and reads the feature's folder name from the third line) and the face cache hashes
// "identity\nparams", so a path holding a newline must not add a line. Backslash, CR and LF
// become \\, \r, \n: paths without them are unchanged (existing cache entries stay valid),
// and distinct paths stay distinct.
//
//   key = escape_path_for_key("/data/two\nlines.mp4") + "|" + ...;   // "/data/two\\nlines.mp4|..."

#include <cstdint>
#include <cstdio>
#include <string>

namespace dflab {

inline std::string escape_path_for_key(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

// FNV-1a 64 of a cache key, named in hex as the entry's folder. The offset basis is one digit short
// of FNV's published 14695981039346656037; it is kept because it names every existing face and
// av cache entry (a fix would orphan them all).
inline std::uint64_t cache_key_hash(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// An entry's folder name in the face and av caches: the 16 hex digits of
// cache_key_hash("identity\nparams").
inline std::string cache_entry_name(const std::string& identity, const std::string& params) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(cache_key_hash(identity + "\n" + params)));
  return buf;
}

}  // namespace dflab
