#pragma once
// Plain-text tables and number formatting shared by the commands that print results.
//
//   TextTable t({"RUN", "AUC"});  t.add({"video-meso4", fmt_value(0.93)});  t.print(std::cout);

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace dflab::cli {

// Left-aligned text table with two spaces between columns.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::size_t size() const { return rows_.size() - 1; }
  void print(std::ostream& out, const std::string& indent = "") const {
    std::vector<std::size_t> width;
    for (const auto& row : rows_)
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (width.size() <= c) width.push_back(0);
        width[c] = std::max(width[c], display_width(row[c]));
      }
    for (const auto& row : rows_) {
      std::string line = indent;
      for (std::size_t c = 0; c < row.size(); ++c) {
        line += row[c];
        if (c + 1 < row.size()) line += std::string(width[c] - display_width(row[c]) + 2, ' ');
      }
      out << line << "\n";
    }
  }

 private:
  // Characters, not bytes: UTF-8 continuation bytes take no column.
  static std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
      if ((c & 0xC0) != 0x80) ++n;
    return n;
  }
  std::vector<std::vector<std::string>> rows_;
};

inline std::string fmt_value(const std::optional<double>& v) {
  if (!v) return "-";
  if (std::isnan(*v)) return "nan";
  char buf[64];
  const double a = std::fabs(*v);
  if (a != 0.0 && (a < 1e-3 || a >= 1e6)) {
    std::snprintf(buf, sizeof(buf), "%.3e", *v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.4f", *v);
  }
  return buf;
}

}  // namespace dflab::cli
