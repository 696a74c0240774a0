#pragma once
// A small, strict CSV reader for label files and prediction lists (RFC 4180 plus what real
// challenge files contain): UTF-8 BOM, CRLF or LF, quoted fields with embedded commas, quotes
// ("" inside quotes) and newlines, blank lines (skipped, including trailing ones). Every row
// keeps the 1-based line number it starts on, so readers can report "file:line: ...".
//
//   CsvTable t = read_csv_file("valset_label.txt", {"video_name", "target"});
//   for (const CsvRow& row : t.rows) use(row.line, row.fields);
//   for (const Diagnostic& d : t.problems.items()) report(d);   // e.g. an unterminated quote
//
// The reader never throws for malformed content: structural problems land in `problems` and the
// caller (a dataset reader with its stop/skip policy) decides. Only an unreadable file throws.

#include <string>
#include <vector>

#include "registry/diagnostics.h"

namespace dflab {

struct CsvRow {
  int line = 0;                     // 1-based line where the row starts
  std::vector<std::string> fields;  // unquoted fields are trimmed of spaces/tabs; quoted ones are kept verbatim
};

struct CsvTable {
  std::string file;                 // as given, used in diagnostics
  bool has_header = false;
  CsvRow header;                    // valid when has_header
  std::vector<CsvRow> rows;         // data rows, header excluded, blank lines dropped
  bool empty_file = false;          // the file had no non-blank line at all
  Diagnostics problems;             // e.g. "unterminated quoted field" (file:line)

  // Index of the header column named `name` (case-insensitive), or -1.
  int column(const std::string& name) const;
  // Index of the first header column named any of `names`, or -1.
  int column_any(const std::vector<std::string>& names) const;
};

// Parses CSV `text`; `file` names the source in diagnostics. The first row is taken as a header
// when any of its fields equals (case-insensitively) one of `header_names`; with an empty
// `header_names` the first row is never a header.
CsvTable parse_csv(const std::string& text, const std::string& file,
                   const std::vector<std::string>& header_names = {}, char delimiter = ',');

// Reads and parses `path`. Throws ConfigError("path: cannot read ...") when it cannot be read.
CsvTable read_csv_file(const std::string& path, const std::vector<std::string>& header_names = {},
                       char delimiter = ',');

// Lower-cases ASCII letters (column names and labels are compared case-insensitively).
std::string ascii_lower(std::string s);

}  // namespace dflab
