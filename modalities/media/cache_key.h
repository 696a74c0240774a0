#pragma once
// A file path as written into a cache key: the audio feature cache stores its key line by line
// (and reads the feature's folder name from the third line) and the face cache hashes
// "identity\nparams", so a path holding a newline must not add a line. Backslash, CR and LF
// become \\, \r, \n: paths without them are unchanged (existing cache entries stay valid),
// and distinct paths stay distinct.
//
//   key = escape_path_for_key("/data/two\nlines.mp4") + "|" + ...;   // "/data/two\\nlines.mp4|..."

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

}  // namespace dflab
