#include "datasets/csv_reader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace dflab {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool is_blank(const CsvRow& row) {
  return row.fields.size() == 1 && row.fields[0].empty();
}

}  // namespace

std::string ascii_lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

int CsvTable::column(const std::string& name) const {
  if (!has_header) return -1;
  const std::string want = ascii_lower(name);
  for (std::size_t i = 0; i < header.fields.size(); ++i)
    if (ascii_lower(header.fields[i]) == want) return static_cast<int>(i);
  return -1;
}

int CsvTable::column_any(const std::vector<std::string>& names) const {
  for (const auto& n : names) {
    int c = column(n);
    if (c >= 0) return c;
  }
  return -1;
}

CsvTable parse_csv(const std::string& text, const std::string& file,
                   const std::vector<std::string>& header_names, char delimiter) {
  CsvTable table;
  table.file = file;
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (n >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;   // UTF-8 BOM

  int line = 1;
  std::vector<CsvRow> rows;
  rows.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);   // no regrowth copies
  while (i < n) {
    CsvRow row;
    row.line = line;
    std::string field;
    bool quoted_field = false;   // the current field was quoted (kept verbatim, not trimmed)
    bool row_done = false;
    while (!row_done) {
      if (i >= n) {   // end of text ends the row
        row.fields.push_back(quoted_field ? field : trim(field));
        break;
      }
      char c = text[i];
      if (c == '"' && trim(field).empty() && !quoted_field) {
        // Quoted field: read to the closing quote; "" is a literal quote; newlines are data.
        field.clear();
        quoted_field = true;
        const int start_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          char q = text[i];
          if (q == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (q == '\r' && i + 1 < n && text[i + 1] == '\n') {   // CRLF inside quotes → '\n'
            field += '\n';
            i += 2;
            ++line;
            continue;
          }
          if (q == '\n') ++line;
          field += q;
          ++i;
        }
        if (!closed) {
          table.problems.error(file, start_line, "unterminated quoted field (a '\"' is never closed)");
          row.fields.push_back(field);
          row_done = true;
          break;
        }
        // After the closing quote only spaces may precede the delimiter or line end.
        while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          table.problems.error(file, line, "unexpected text after a closing quote");
          while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') field += text[i++];
        }
        continue;
      }
      if (c == delimiter) {
        row.fields.push_back(quoted_field ? field : trim(field));
        field.clear();
        quoted_field = false;
        ++i;
        continue;
      }
      if (c == '\r' || c == '\n') {
        row.fields.push_back(quoted_field ? field : trim(field));
        if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        row_done = true;
        break;
      }
      field += c;
      ++i;
    }
    if (!is_blank(row)) rows.push_back(std::move(row));
  }

  if (rows.empty()) {
    table.empty_file = true;
    return table;
  }
  if (!header_names.empty()) {
    for (const auto& f : rows.front().fields) {
      const std::string lf = ascii_lower(f);
      for (const auto& h : header_names)
        if (lf == ascii_lower(h)) table.has_header = true;
    }
  }
  std::size_t first = 0;
  if (table.has_header) {
    table.header = rows.front();
    first = 1;
  }
  table.rows.assign(std::make_move_iterator(rows.begin() + first), std::make_move_iterator(rows.end()));
  return table;
}

CsvTable read_csv_file(const std::string& path, const std::vector<std::string>& header_names,
                       char delimiter) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, "cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(path, 0, "read error");
  return parse_csv(ss.str(), path, header_names, delimiter);
}

}  // namespace dflab
