#include "datasets/predictions.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "datasets/csv_reader.h"

namespace dflab {

namespace {

std::optional<double> parse_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE) return std::nullopt;
  return v;
}

}  // namespace

PredictionList read_predictions(const std::string& path, ProblemPolicy policy) {
  PredictionList out;
  out.file = path;
  out.format = "ffdv";
  CsvTable t = read_csv_file(path, {"video_name", "filename", "score", "label"});
  ProblemLog log;
  for (const auto& d : t.problems.items()) log.add(d.file, d.line, "", d.message);
  int name_col = 0, score_col = 1;
  std::size_t n_cols = 2;
  if (t.empty_file) log.add(path, 1, "", "empty file: expected video_name,score rows");
  if (t.has_header) {
    name_col = t.column_any({"video_name", "filename", "video", "name", "path"});
    score_col = t.column_any({"score", "label", "prob", "probability"});
    n_cols = t.header.fields.size();
    if (t.column("filename") >= 0 && t.column("label") >= 0) out.format = "dfdc";
    if (name_col < 0 || score_col < 0) {
      log.add(path, t.header.line, "", "expected a header video_name,score or filename,label");
      n_cols = 0;
    }
    if (t.rows.empty()) log.add(path, t.header.line, "", "no rows after the header");
  }
  std::unordered_map<std::string_view, int> seen;   // views of t's fields: no copy per row
  const std::string no_field;
  if (n_cols > 0) {
    seen.reserve(t.rows.size());
    out.items.reserve(t.rows.size());
    for (const CsvRow& row : t.rows) {
      const auto nc = static_cast<std::size_t>(name_col);
      const std::string& id = nc < row.fields.size() ? row.fields[nc] : no_field;
      if (row.fields.size() != n_cols) {
        log.add(path, row.line, id,
                "expected " + std::to_string(n_cols) + " columns, got " + std::to_string(row.fields.size()));
        continue;
      }
      if (id.empty()) {
        log.add(path, row.line, "", "empty video name");
        continue;
      }
      const std::string& text = row.fields[static_cast<std::size_t>(score_col)];
      const auto score = parse_double(text);
      if (!score || !std::isfinite(*score) || *score < 0.0 || *score > 1.0) {
        log.add(path, row.line, id, "score '" + text + "' of '" + id + "' is not a number in [0, 1]");
        continue;
      }
      const auto [it, inserted] = seen.emplace(std::string_view(id), row.line);
      if (!inserted) {
        log.add(path, row.line, id,
                "duplicate video '" + id + "' (first listed at " + path + ":" + std::to_string(it->second) + ")");
        continue;
      }
      out.items.push_back({id, *score, row.line});
    }
  }
  Dataset sink;
  log.finish(policy, sink);
  out.skipped = std::move(sink.skipped);
  return out;
}

}  // namespace dflab
