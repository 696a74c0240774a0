#include "datasets/layout.h"

#include <filesystem>

#include "datasets/csv_dataset.h"
#include "datasets/dfdc.h"
#include "datasets/ffdv.h"

namespace fs = std::filesystem;

namespace dflab {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string to_string(Layout layout) {
  switch (layout) {
    case Layout::ffdv: return "ffdv";
    case Layout::dfdc: return "dfdc";
    case Layout::csv: return "csv";
  }
  return "?";
}

Layout detect_layout(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_regular_file(p, ec)) {
    const std::string name = p.filename().string();
    if (ends_with(name, ".json")) return Layout::dfdc;
    if (ends_with(name, ".txt")) return Layout::ffdv;
    if (ends_with(name, ".csv")) return Layout::csv;
    throw ConfigError(path, 0, "unknown label file type (expected .csv, .txt label file or metadata.json)");
  }
  if (!fs::is_directory(p, ec)) throw ConfigError(path, 0, "no such file or directory");
  if (fs::is_regular_file(p / "metadata.json", ec)) return Layout::dfdc;
  // Broken links are passed over here; the layout's reader reports them.
  const std::vector<FolderEntry> entries = list_folder(path, nullptr);
  for (const FolderEntry& e : entries)
    if (e.is_directory && fs::is_regular_file(fs::path(e.path) / "metadata.json", ec)) return Layout::dfdc;
  bool has_test_dir = false;
  for (const FolderEntry& e : entries) {
    const std::string& name = e.name;
    if (e.is_regular_file && (ends_with(name, "_label.txt") || ends_with(name, "_nolabel.txt") ||
                              name == "prediction.csv"))
      return Layout::ffdv;
    if (e.is_directory && name.rfind("test", 0) == 0) has_test_dir = true;
  }
  if (fs::is_regular_file(p / "labels.csv", ec)) return Layout::csv;
  if (fs::is_regular_file(p / "sample_submission.csv", ec)) return Layout::dfdc;
  if (has_test_dir) return Layout::ffdv;
  throw ConfigError(path, 0,
                    "unknown dataset layout: found no metadata.json (DFDC), *_label.txt (FFDV) or "
                    "labels.csv (generic CSV)");
}

Dataset read_dataset(const std::string& path, const ReadOptions& options) {
  const Layout layout = detect_layout(path);
  std::error_code ec;
  const bool is_file = fs::is_regular_file(path, ec);
  switch (layout) {
    case Layout::dfdc: return is_file ? read_dfdc_metadata(path, options) : read_dfdc(path, options);
    case Layout::ffdv: {
      if (!is_file) return read_ffdv(path, options);
      std::string stem = fs::path(path).stem().string();
      if (ends_with(stem, "_label")) stem = stem.substr(0, stem.size() - 6);
      // Videos of `trainset_label.txt` are in the sibling folder trainset/ (or train/).
      const fs::path root = fs::path(absolute_path(path)).parent_path();
      std::string dir;
      for (const auto& c : {stem, ffdv_split_name(stem), stem + "set"})
        if (dir.empty() && fs::is_directory(root / c, ec)) dir = (root / c).string();
      return read_ffdv_label_file(path, ffdv_split_name(stem), dir.empty() ? root.string() : dir, options);
    }
    case Layout::csv:
      return read_csv_dataset(fs::is_directory(path, ec) ? (fs::path(path) / "labels.csv").string() : path, options);
  }
  throw ConfigError(path, 0, "unknown dataset layout");
}

}  // namespace dflab
