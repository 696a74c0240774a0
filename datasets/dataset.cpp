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

std::vector<std::string> Dataset::sources() const {
  std::vector<std::string> out;
  for (const auto& v : items) out.push_back(v.source);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// True when `name` is relative and every part is an ordinary file name: joining it to a normal
// folder with one '/' is already normal.
bool plain_relative(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = name.find('/', begin);
    const std::size_t len = (end == std::string::npos ? name.size() : end) - begin;
    if (len == 0 || (len == 1 && name[begin] == '.') || (len == 2 && name[begin] == '.' && name[begin + 1] == '.'))
      return false;
    if (end == std::string::npos) return true;
    begin = end + 1;
  }
}

}  // namespace

std::string folder_source(const std::string& media_path) {
  // The parse is only needed for odd paths ("a//b", "x/", "./y"); most are "/dir/part/v.mp4".
  const std::size_t slash = media_path.rfind('/');
  if (slash != std::string::npos && slash > 0 && slash + 1 < media_path.size() && media_path[slash - 1] != '/' &&
      media_path.find("/.") == std::string::npos) {
    const std::size_t before = media_path.rfind('/', slash - 1);
    const std::size_t from = before == std::string::npos ? 0 : before + 1;
    return media_path.substr(from, slash - from);
  }
  const std::string name = std::filesystem::path(media_path).parent_path().filename().string();
  return name.empty() ? "unknown" : name;
}

std::string join_normal(const std::string& dir, const std::string& name) {
  if (!dir.empty() && plain_relative(name)) {
    std::string out;
    out.reserve(dir.size() + 1 + name.size());
    out += dir;
    if (dir.back() != '/') out += '/';
    out += name;
    return out;
  }
  return (std::filesystem::path(dir) / name).lexically_normal().string();
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

ItemCollector::ItemCollector(Dataset& ds, ProblemLog& log, const ReadOptions& options)
    : ds_(ds), log_(log), options_(options) {
  if (!options_.root.empty()) root_ = absolute_path(options_.root);
}

void ItemCollector::reserve(std::size_t n) {
  ds_.items.reserve(ds_.items.size() + n);
  seen_.reserve(seen_.size() + n);
}

bool ItemCollector::add(VideoItem item, const std::string& file, int line) {
  if (current_file_ >= files_.size() || files_[current_file_] != file) {   // a new file: rare
    current_file_ = static_cast<std::size_t>(std::find(files_.begin(), files_.end(), file) - files_.begin());
    if (current_file_ == files_.size()) files_.push_back(file);
  }
  const auto [it, inserted] = seen_.emplace(item.id, std::make_pair(current_file_, line));
  if (!inserted) {
    log_.add(file, line, item.id, "duplicate video '" + item.id + "' (first listed at " + files_[it->second.first] + ":" +
                                      std::to_string(it->second.second) + ")");
    return false;
  }
  if (options_.check_files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(item.path, ec)) {
      const std::string link = broken_link_reason(item.path);
      log_.add(file, line, item.id,
               "missing file " + item.path + " for '" + item.id + "'" + (link.empty() ? "" : " (" + link + ")"));
      return false;
    }
  }
  if (!root_.empty()) {
    const std::string rel = std::filesystem::path(absolute_path(item.path)).lexically_relative(root_).string();
    if (rel.empty() || rel == ".." || rel.rfind("../", 0) == 0) {
      // A few named, then one line that counts the rest: a list kept beside its data (a CSV in
      // examples/ naming ../shared videos) would otherwise print a line per video.
      if (++outside_ <= kOutsideNamed) {
        ds_.warnings.push_back({file, line, "'" + item.id + "' is outside the dataset root " + root_ + ": " +
                                                absolute_path(item.path)});
      } else {
        if (outside_ == kOutsideNamed + 1) {
          outside_summary_ = ds_.warnings.size();
          ds_.warnings.push_back({file, line, ""});
        }
        ds_.warnings[outside_summary_].message = std::to_string(outside_ - kOutsideNamed) +
                                                 " more listed videos are outside the dataset root " + root_ +
                                                 " (the first of them here)";
      }
    }
  }
  if (item.source.empty()) item.source = folder_source(item.path);
  ds_.items.push_back(std::move(item));
  return true;
}

std::string absolute_path(const std::string& p) {
  return std::filesystem::absolute(std::filesystem::path(p)).lexically_normal().string();
}

std::string broken_link_reason(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(path, ec))) return "";
  const fs::file_status target = fs::status(path, ec);
  if (ec == std::errc::too_many_symbolic_link_levels) return "symbolic link loop";
  if (ec || !fs::exists(target)) {
    std::error_code rec;
    const fs::path to = fs::read_symlink(path, rec);
    return "dangling symbolic link" + (rec ? std::string() : " to '" + to.string() + "'");
  }
  return "";
}

std::vector<FolderEntry> list_folder(const std::string& dir, ProblemLog* log) {
  namespace fs = std::filesystem;
  std::vector<FolderEntry> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    FolderEntry e;
    e.name = it->path().filename().string();
    e.path = it->path().string();
    std::error_code sec;
    const fs::file_status st = fs::status(it->path(), sec);   // follows links: a loop fails here
    if (sec || !fs::exists(st)) {
      if (log) {
        const std::string link = broken_link_reason(e.path);
        log->add(e.path, 0, "", "skipped: " + (link.empty() ? "cannot read its type: " + sec.message() : link));
      }
      continue;
    }
    e.is_directory = fs::is_directory(st);
    e.is_regular_file = fs::is_regular_file(st);
    out.push_back(std::move(e));
  }
  if (ec && log) log->add(dir, 0, "", "cannot list the folder: " + ec.message());
  std::sort(out.begin(), out.end(), [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace dflab
