#pragma once
// Face-crop thumbnails embedded in the report as base64 PNG data URIs (no file references, so the
// page stays one self-contained file).
//
//   Thumbnail t = thumbnail_data_uri("cache/faces/ab/abcd/crop_000.png", /*max_side_px=*/96);
//   if (t.data_uri) out << "<img src=\"" << *t.data_uri << "\">"; else note(t.problem);

#include <optional>
#include <string>

namespace dflab::reports {

struct Thumbnail {
  std::optional<std::string> data_uri{};   // "data:image/png;base64,..."
  std::string problem{};                   // why there is none: missing or unreadable file
};

// Reads any image OpenCV reads, shrinks it (area interpolation, aspect kept) so its longer side is
// at most max_side_px, and encodes it as PNG. Never throws for a bad file: see `problem`.
Thumbnail thumbnail_data_uri(const std::string& image_path, int max_side_px = 96);

}  // namespace dflab::reports
