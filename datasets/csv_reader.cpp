#include "datasets/csv_reader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace dflab {

namespace {

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

  const auto is_space = [&](char c) { return c != delimiter && (c == ' ' || c == '\t'); };
  const auto ends_field = [&](char c) { return c == delimiter || c == '\n' || c == '\r'; };
  int line = 1;
  bool first_row = true;
  std::size_t width = 0;   // the last row's field count: room reserved for the next
  table.rows.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);   // no regrowth copies
  while (i < n) {
    CsvRow row;
    row.line = line;
    row.fields.reserve(width);
    while (true) {   // one field per pass, starting at i
      std::size_t k = i;
      while (k < n && is_space(text[k])) ++k;
      if (k < n && text[k] == '"') {
        // Quoted field (only spaces before the quote): read to the closing quote, kept verbatim;
        // "" is a literal quote; newlines are data.
        std::string field;
        const int start_line = line;
        i = k + 1;
        bool closed = false;
        while (i < n) {
          const char q = text[i];
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
          row.fields.push_back(std::move(field));
          break;   // i == n
        }
        // After the closing quote only spaces may precede the delimiter or line end.
        while (i < n && is_space(text[i])) ++i;
        if (i < n && !ends_field(text[i])) {
          table.problems.error(file, line, "unexpected text after a closing quote");
          while (i < n && !ends_field(text[i])) field += text[i++];
        }
        row.fields.push_back(std::move(field));
      } else {
        // Unquoted: up to the delimiter or line end, spaces around it trimmed; quotes inside are data.
        std::size_t j = k;
        while (j < n && !ends_field(text[j])) ++j;
        std::size_t e = j;
        while (e > k && is_space(text[e - 1])) --e;
        row.fields.emplace_back(text, k, e - k);
        i = j;
      }
      if (i >= n) break;   // end of text ends the row
      if (text[i] == delimiter) {
        ++i;
        continue;
      }
      if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      break;
    }
    if (is_blank(row)) continue;
    width = row.fields.size();
    if (first_row) {
      first_row = false;
      // A header when any field names a known column.
      for (const auto& f : row.fields) {
        const std::string lf = ascii_lower(f);
        for (const auto& h : header_names)
          if (lf == ascii_lower(h)) table.has_header = true;
      }
      if (table.has_header) {
        table.header = std::move(row);
        continue;
      }
    }
    table.rows.push_back(std::move(row));
  }
  table.empty_file = !table.has_header && table.rows.empty();
  return table;
}

CsvTable read_csv_file(const std::string& path, const std::vector<std::string>& header_names,
                       char delimiter) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, "cannot read file");
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {   // a regular file: one read of its size; else (a pipe) read to the end
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), size);
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) throw ConfigError(path, 0, "read error");
  } else {
    in.clear();
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw ConfigError(path, 0, "read error");
    text = ss.str();
  }
  return parse_csv(text, path, header_names, delimiter);
}

}  // namespace dflab
