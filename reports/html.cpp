#include "reports/html.h"

#include <cmath>
#include <cstdio>

namespace dflab::reports {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64_encode(const std::vector<std::uint8_t>& bytes) {
  static const char* const k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += k_alphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string format_fixed(const std::optional<double>& value, int decimals) {
  if (!value || !std::isfinite(*value)) return "\u2013";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, *value);
  return buf;
}

std::string format_count(double value) {
  if (!std::isfinite(value)) return "\u2013";
  char buf[64];
  const double a = std::fabs(value);
  if (a < 1e3) {
    std::snprintf(buf, sizeof(buf), "%.0f", value);
  } else if (a < 1e6) {
    std::snprintf(buf, sizeof(buf), "%.1fk", value / 1e3);
  } else if (a < 1e9) {
    std::snprintf(buf, sizeof(buf), "%.1fM", value / 1e6);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2fG", value / 1e9);
  }
  return buf;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "\u2013";
  char buf[64];
  if (seconds < 60) {
    std::snprintf(buf, sizeof(buf), "%.1f s", seconds);
  } else if (seconds < 3600) {
    const int s = static_cast<int>(seconds);
    std::snprintf(buf, sizeof(buf), "%d min %02d s", s / 60, s % 60);
  } else {
    const int s = static_cast<int>(seconds);
    std::snprintf(buf, sizeof(buf), "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

std::string slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
    out += keep ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
  return out;
}

}  // namespace dflab::reports
