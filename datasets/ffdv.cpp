#include "datasets/ffdv.h"

#include <algorithm>
#include <filesystem>

#include "datasets/csv_reader.h"

namespace fs = std::filesystem;

namespace dflab {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

const std::vector<std::string> kNameColumns = {"video_name", "filename", "video", "name", "path"};
const std::vector<std::string> kLabelColumns = {"target", "label"};

// Reads a label list (labeled=true: name,target) or a name list (labeled=false: name[,score...])
// and adds its rows; `find_video` maps a name to the media path.
template <typename FindVideo>
void read_list(const std::string& file, const std::string& split, bool labeled, FindVideo find_video,
               ItemCollector& items, ProblemLog& log) {
  std::vector<std::string> header_names = kNameColumns;
  header_names.insert(header_names.end(), kLabelColumns.begin(), kLabelColumns.end());
  header_names.push_back("score");
  CsvTable t = read_csv_file(file, header_names);
  for (const auto& d : t.problems.items()) log.add(d.file, d.line, "", d.message);
  if (t.empty_file) {
    log.add(file, 1, "", "empty file: expected a header and rows");
    return;
  }
  if (t.rows.empty()) {
    log.add(file, t.header.line, "", "no rows after the header");
    return;
  }
  items.reserve(t.rows.size());
  int name_col = 0, label_col = 1;
  std::size_t n_cols = labeled ? 2 : 0;
  if (t.has_header) {
    name_col = t.column_any(kNameColumns);
    label_col = t.column_any(kLabelColumns);
    n_cols = t.header.fields.size();
    if (name_col < 0) {
      log.add(file, t.header.line, "", "no video name column (expected one of: video_name, filename)");
      return;
    }
    if (labeled && label_col < 0) {
      log.add(file, t.header.line, "", "no label column (expected: target or label)");
      return;
    }
  }
  for (const CsvRow& row : t.rows) {
    const auto nc = static_cast<std::size_t>(name_col);
    const std::string name = nc < row.fields.size() ? row.fields[nc] : std::string();
    if (n_cols && row.fields.size() != n_cols) {
      log.add(file, row.line, name,
              "expected " + std::to_string(n_cols) + " columns, got " + std::to_string(row.fields.size()));
      continue;
    }
    if (!labeled && !t.has_header && row.fields.size() > 2) {
      log.add(file, row.line, name, "expected 1 or 2 columns (video_name[,score]), got " +
                                        std::to_string(row.fields.size()));
      continue;
    }
    if (name.empty()) {
      log.add(file, row.line, "", "empty video name");
      continue;
    }
    VideoItem item;
    item.id = name;
    item.split = split;
    if (labeled) {
      const std::string& text = row.fields[static_cast<std::size_t>(label_col)];
      item.label = parse_label(text);
      if (!item.label) {
        log.add(file, row.line, name, "label '" + text + "' of '" + name + "' is not one of " +
                                          allowed_labels_text());
        continue;
      }
    }
    item.path = find_video(name);
    items.add(std::move(item), file, row.line);
  }
}

// The folder holding a list's videos: `prefix`, or the name with/without "set".
std::string video_dir_for(const fs::path& root, const std::string& prefix) {
  std::vector<std::string> candidates = {prefix};
  if (ends_with(prefix, "set")) candidates.push_back(prefix.substr(0, prefix.size() - 3));
  else candidates.push_back(prefix + "set");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_directory(root / c, ec)) return (root / c).string();
  }
  return (root / prefix).string();
}

}  // namespace

std::string ffdv_split_name(const std::string& prefix) {
  return ends_with(prefix, "set") && prefix.size() > 3 ? prefix.substr(0, prefix.size() - 3) : prefix;
}

Dataset read_ffdv_list(const std::string& list_file, const std::string& split, bool labeled,
                       const std::string& video_dir, const ReadOptions& options) {
  Dataset ds;
  ds.layout = "ffdv";
  ds.root = absolute_path(list_file);
  ProblemLog log;
  ItemCollector items(ds, log, options);
  const fs::path dir = video_dir.empty() ? fs::path(ds.root).parent_path() : fs::path(absolute_path(video_dir));
  read_list(list_file, split, labeled, [&, dir_name = dir.string()](const std::string& n) { return join_normal(dir_name, n); },
            items, log);
  log.finish(options.policy, ds);
  return ds;
}

Dataset read_ffdv_label_file(const std::string& label_file, const std::string& split,
                             const std::string& video_dir, const ReadOptions& options) {
  return read_ffdv_list(label_file, split, true, video_dir, options);
}

std::string ffdv_video_dir(const std::string& root_in, const std::string& list_file, const std::string& split) {
  const fs::path root(absolute_path(root_in));
  const std::string f = fs::path(list_file).filename().string();
  std::string prefix;
  for (const char* suffix : {"_label.txt", "_nolabel.txt", "_nolabel.csv"})
    if (ends_with(f, suffix)) prefix = f.substr(0, f.size() - std::string(suffix).size());
  std::error_code ec;
  if (!prefix.empty()) {
    const std::string dir = video_dir_for(root, prefix);
    if (fs::is_directory(dir, ec)) return dir;
  }
  if (split == "test" && fs::is_directory(root, ec)) {
    std::vector<std::string> test_dirs;
    for (const FolderEntry& e : list_folder(root.string(), nullptr))
      if (e.is_directory && starts_with(e.name, "test")) test_dirs.push_back(e.path);
    std::sort(test_dirs.begin(), test_dirs.end());
    if (!test_dirs.empty()) return test_dirs.front();
  }
  return root.string();
}

Dataset read_ffdv(const std::string& root_in, const ReadOptions& options) {
  Dataset ds;
  ds.layout = "ffdv";
  ds.root = absolute_path(root_in);
  const fs::path root(ds.root);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw ConfigError(root_in, 0, "not a directory (expected an FFDV root)");

  ProblemLog log;
  ItemCollector items(ds, log, options);
  std::vector<std::string> files, dirs;
  for (const FolderEntry& e : list_folder(root.string(), &log)) {
    if (e.is_directory) dirs.push_back(e.name);
    else files.push_back(e.name);
  }
  // Train before val before the rest, so items come in a natural order.
  auto rank = [](const std::string& f) { return starts_with(f, "train") ? 0 : starts_with(f, "val") ? 1 : 2; };
  std::stable_sort(files.begin(), files.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });

  std::vector<std::string> listed_dirs;
  bool any_list = false;
  for (const auto& f : files) {
    std::string prefix;
    bool labeled = false;
    if (ends_with(f, "_label.txt")) {
      prefix = f.substr(0, f.size() - 10);
      labeled = true;
    } else if (ends_with(f, "_nolabel.txt") || ends_with(f, "_nolabel.csv")) {
      prefix = f.substr(0, f.size() - 12);
    } else {
      continue;
    }
    any_list = true;
    const std::string dir = video_dir_for(root, prefix);
    listed_dirs.push_back(fs::path(dir).filename().string());
    read_list((root / f).string(), ffdv_split_name(prefix), labeled,
              [&](const std::string& n) { return (fs::path(dir) / n).string(); }, items, log);
  }

  std::vector<std::string> test_dirs;
  for (const auto& d : dirs)
    if (starts_with(d, "test")) test_dirs.push_back(d);

  if (std::find(files.begin(), files.end(), "prediction.csv") != files.end()) {
    any_list = true;
    for (const auto& d : test_dirs) listed_dirs.push_back(d);
    auto find_video = [&](const std::string& n) {
      for (const auto& d : test_dirs)
        if (fs::is_regular_file(root / d / n, ec)) return (root / d / n).string();
      return (root / (test_dirs.empty() ? std::string() : test_dirs.front()) / n).lexically_normal().string();
    };
    read_list((root / "prediction.csv").string(), "test", false, find_video, items, log);
  }

  for (const auto& d : test_dirs) {
    if (std::find(listed_dirs.begin(), listed_dirs.end(), d) != listed_dirs.end()) continue;
    std::vector<std::string> videos;
    for (const FolderEntry& e : list_folder((root / d).string(), &log))
      if (e.is_regular_file && fs::path(e.name).extension() == ".mp4") videos.push_back(e.name);
    for (const auto& v : videos) {
      any_list = true;
      items.add({v, (root / d / v).string(), std::nullopt, ffdv_split_name(d), std::nullopt, ""}, (root / d).string(), 0);
    }
  }
  if (!any_list)
    log.add(ds.root, 0, "", "no FFDV label file found (expected trainset_label.txt / train_label.txt, "
                            "valset_label.txt / val_label.txt, prediction.csv or test*/ folders)");
  log.finish(options.policy, ds);
  return ds;
}

}  // namespace dflab
