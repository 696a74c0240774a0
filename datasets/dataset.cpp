#include "datasets/dataset.h"

#include <algorithm>
#include <filesystem>

#include "datasets/csv_reader.h"

namespace dflab {

std::string SkippedItem::to_string() const { return Diagnostic{file, line, reason}.to_string(); }

std::vector<std::string> Dataset::splits() const {
  std::vector<std::string> out;
  for (const auto& v : items)
    if (std::find(out.begin(), out.end(), v.split) == out.end()) out.push_back(v.split);
  return out;
}

std::size_t Dataset::count(const std::string& split, std::optional<int> label, bool any_label) const {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const VideoItem& v) {
    return (split.empty() || v.split == split) && (any_label || v.label == label);
  }));
}

const VideoItem* Dataset::find(const std::string& id) const {
  for (const auto& v : items)
    if (v.id == id) return &v;
  return nullptr;
}

std::optional<int> parse_label(const std::string& text) {
  const std::string t = ascii_lower(text);
  if (t == "0" || t == "real" || t == "bonafide" || t == "bona-fide" || t == "genuine") return 0;
  if (t == "1" || t == "fake" || t == "spoof") return 1;
  return std::nullopt;
}

const char* allowed_labels_text() { return "0/1, REAL/FAKE, bonafide/spoof, genuine/fake"; }

void ProblemLog::add(std::string file, int line, std::string id, std::string reason) {
  problems_.push_back({std::move(file), line, std::move(id), std::move(reason)});
}

void ProblemLog::finish(ProblemPolicy policy, Dataset& ds) {
  if (problems_.empty()) return;
  if (policy == ProblemPolicy::stop) {
    Diagnostics diags;
    for (const auto& p : problems_) diags.error(p.file, p.line, p.reason);
    problems_.clear();
    throw ConfigError(std::move(diags));
  }
  ds.skipped.insert(ds.skipped.end(), problems_.begin(), problems_.end());
  problems_.clear();
}

bool ItemCollector::add(VideoItem item, const std::string& file, int line) {
  const auto [it, inserted] = seen_.emplace(item.id, file + ":" + std::to_string(line));
  if (!inserted) {
    log_.add(file, line, item.id, "duplicate video '" + item.id + "' (first listed at " + it->second + ")");
    return false;
  }
  if (options_.check_files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(item.path, ec)) {
      log_.add(file, line, item.id, "missing file " + item.path + " for '" + item.id + "'");
      return false;
    }
  }
  ds_.items.push_back(std::move(item));
  return true;
}

std::string absolute_path(const std::string& p) {
  return std::filesystem::absolute(std::filesystem::path(p)).lexically_normal().string();
}

}  // namespace dflab
