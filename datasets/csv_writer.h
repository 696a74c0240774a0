#pragma once
// The writer beside csv_reader.h: RFC 4180 fields and rows that read_csv_file / parse_csv give
// back unchanged, whatever a video name holds (commas, quotes, newlines, edge spaces, UTF-8; only
// a CRLF inside a field reads back as LF, as the reader normalises it).
// Every CSV dflab writes (prediction.csv, `dflab predict --out`, printed score lists) goes
// through these two functions so that `dflab score` always reads dflab's own output.
//
//   out << csv_row({"video_name", "score"});
//   out << csv_row({name, "0.731058"});          // "a,b.mp4" → "\"a,b.mp4\",0.731058\n"

#include <string>
#include <vector>

namespace dflab {

// `field` as written in a CSV file: verbatim when that reads back the same, else in double quotes
// with each '"' doubled. Quoted when it holds the delimiter, '"', '\n' or '\r', or starts or ends
// with a space or tab (the reader trims unquoted fields).
std::string csv_field(const std::string& field, char delimiter = ',');

// The fields joined by `delimiter`, each through csv_field, ending in "\n" (LF: the reader takes
// LF and CRLF alike; a newline inside a quoted field is written as it is).
std::string csv_row(const std::vector<std::string>& fields, char delimiter = ',');

}  // namespace dflab
