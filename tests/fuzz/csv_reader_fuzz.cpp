// Fuzzes the CSV reader every label and prediction list goes through (datasets/csv_reader.h):
// parse_csv on the raw bytes, with and without header names, comma or tab delimited. The reader
// must never throw for content, and every row must carry a line inside the text.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "datasets/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options so one corpus covers all of them.
  const std::uint8_t mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char delimiter = (mode & 1) ? '\t' : ',';
  const std::vector<std::string> headers =
      (mode & 2) ? std::vector<std::string>{"video_name", "target", "score", "label", "path"}
                 : std::vector<std::string>{};
  const dflab::CsvTable t = dflab::parse_csv(text, "fuzz.csv", headers, delimiter);
  const int n_lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n') +
                                           std::count(text.begin(), text.end(), '\r'));
  int last = 0;
  for (const dflab::CsvRow& row : t.rows) {
    if (row.line < 1 || row.line > n_lines || row.line <= last || row.fields.empty()) std::abort();
    last = row.line;
  }
  if (!t.has_header && t.header.line != 0) std::abort();
  return 0;
}
