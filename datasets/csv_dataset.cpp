#include "datasets/csv_dataset.h"

#include <filesystem>

#include "datasets/csv_reader.h"

namespace fs = std::filesystem;

namespace dflab {

Dataset read_csv_dataset(const std::string& csv_path, const ReadOptions& options) {
  Dataset ds;
  ds.layout = "csv";
  ds.root = absolute_path(csv_path);
  const std::string dir_name = fs::path(ds.root).parent_path().string();   // normal, as ds.root is
  const std::vector<std::string> path_cols = {"path", "file", "filename", "video", "video_name", "name"};
  const std::vector<std::string> label_cols = {"label", "target"};
  std::vector<std::string> header_names = path_cols;
  header_names.insert(header_names.end(), label_cols.begin(), label_cols.end());
  header_names.push_back("split");
  header_names.push_back("original");
  if (!options.source_column.empty()) header_names.push_back(options.source_column);

  CsvTable t = read_csv_file(csv_path, header_names);
  ProblemLog log;
  ItemCollector items(ds, log, options);
  for (const auto& d : t.problems.items()) log.add(d.file, d.line, "", d.message);
  int path_col = 0, label_col = 1, split_col = -1, source_col = -1, original_col = -1;
  std::size_t n_cols = 0;
  if (t.empty_file) {
    log.add(csv_path, 1, "", "empty file: expected path,label[,split] rows");
  } else if (t.has_header) {
    path_col = t.column_any(path_cols);
    label_col = t.column_any(label_cols);
    split_col = t.column("split");
    original_col = t.column("original");
    n_cols = t.header.fields.size();
    if (!options.source_column.empty()) {
      source_col = t.column(options.source_column);
      if (source_col < 0) {
        std::string names;
        for (const auto& f : t.header.fields) names += (names.empty() ? "" : ", ") + f;
        throw ConfigError(csv_path, t.header.line, "[data] source_column = \"" + options.source_column +
                                                       "\" but the header has no such column (columns: " + names + ")");
      }
    }
    if (path_col < 0) log.add(csv_path, t.header.line, "", "no path column (expected: path, file or filename)");
    if (label_col < 0) log.add(csv_path, t.header.line, "", "no label column (expected: label or target)");
    if (t.rows.empty()) log.add(csv_path, t.header.line, "", "no rows after the header");
  } else {
    if (!options.source_column.empty())
      throw ConfigError(csv_path, t.rows.front().line, "[data] source_column = \"" + options.source_column +
                                                           "\" but the file has no header to name its columns");
    n_cols = t.rows.front().fields.size();
    if (n_cols == 3) split_col = 2;
    if (n_cols != 2 && n_cols != 3) {
      log.add(csv_path, t.rows.front().line, "",
              "expected 2 or 3 columns (path,label[,split]), got " + std::to_string(n_cols));
      n_cols = 0;
    }
  }
  if (n_cols > 0 && path_col >= 0 && label_col >= 0) {
    items.reserve(t.rows.size());
    const std::string no_field;
    for (const CsvRow& row : t.rows) {
      const auto pc = static_cast<std::size_t>(path_col);
      const std::string& id = pc < row.fields.size() ? row.fields[pc] : no_field;
      if (row.fields.size() != n_cols) {
        log.add(csv_path, row.line, id,
                "expected " + std::to_string(n_cols) + " columns, got " + std::to_string(row.fields.size()));
        continue;
      }
      if (id.empty()) {
        log.add(csv_path, row.line, "", "empty path");
        continue;
      }
      VideoItem item;
      item.id = id;
      item.path = join_normal(dir_name, id);   // an absolute name stays itself, normalised
      const std::string& label_text = row.fields[static_cast<std::size_t>(label_col)];
      if (!label_text.empty()) {
        item.label = parse_label(label_text);
        if (!item.label) {
          log.add(csv_path, row.line, id,
                  "label '" + label_text + "' of '" + id + "' is not one of " + allowed_labels_text());
          continue;
        }
      }
      item.split = split_col >= 0 ? row.fields[static_cast<std::size_t>(split_col)] : std::string("all");
      if (item.split.empty()) item.split = "all";
      if (original_col >= 0 && !row.fields[static_cast<std::size_t>(original_col)].empty())
        item.original = row.fields[static_cast<std::size_t>(original_col)];   // pairs stay on one side of a split
      if (source_col >= 0) item.source = row.fields[static_cast<std::size_t>(source_col)];   // empty: folder
      items.add(std::move(item), csv_path, row.line);
    }
  }
  log.finish(options.policy, ds);
  return ds;
}

}  // namespace dflab
