#pragma once
// Small text helpers of the HTML report: escaping, base64 and number formatting.
//
//   out << "<td>" << html_escape(video_name) << "</td>";        // every string from the store
//   out << "<img src=\"data:image/png;base64," << base64_encode(png_bytes) << "\">";
//   out << format_fixed(0.93125, 4);                             // "0.9313"
//
// html_escape is also the XML escape used inside SVG (text nodes and attribute values).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dflab::reports {

// & < > " ' → entities. Safe for text nodes and for double- or single-quoted attributes.
std::string html_escape(std::string_view text);

// RFC 4648 base64 with '=' padding, no line breaks.
std::string base64_encode(const std::vector<std::uint8_t>& bytes);

// printf("%.*f"); "–" (en dash) for nullopt or a non-finite value.
std::string format_fixed(const std::optional<double>& value, int decimals);
// Compact count, e.g. of model parameters: 950 → "950", 12345 → "12.3k", 11.7e6 → "11.7M".
std::string format_count(double value);
// Seconds as "12.3 s", "4 min 05 s", "2 h 03 min".
std::string format_duration(double seconds);

// A file-name-safe form of `text`: letters, digits, '-', '_' and '.' kept, everything else '_'.
std::string slug(std::string_view text);

}  // namespace dflab::reports
