#include "datasets/dfdc.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "datasets/csv_reader.h"

namespace fs = std::filesystem;

namespace dflab {

namespace {

// Line of every top-level key of a JSON object text. nlohmann/json keeps no positions for
// values, so this small scanner walks strings and nesting depth to find each key at depth 1.
std::map<std::string, int> top_level_key_lines(const std::string& text) {
  std::map<std::string, int> lines;
  int depth = 0, line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') --depth;
    else if (c == '"') {
      const int start_line = line;
      std::string s;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          s += text[i];
          ++i;
        }
        if (text[i] == '\n') ++line;
        s += text[i];
      }
      if (depth != 1) continue;
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n')) ++j;
      if (j < text.size() && text[j] == ':') {
        // Keys with escapes are stored as the JSON-decoded string so lookups match.
        std::string key = s;
        if (s.find('\\') != std::string::npos) {
          try {
            key = nlohmann::json::parse("\"" + s + "\"").get<std::string>();
          } catch (const nlohmann::json::exception&) {
          }
        }
        lines.emplace(key, start_line);
      }
    }
  }
  return lines;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, "cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct PendingFake {
  std::string id, original, file;
  int line;
};

// Reads one metadata.json into `items`; fakes with an original are checked after all files.
void read_metadata(const std::string& file, ItemCollector& items, ProblemLog& log,
                   std::vector<PendingFake>& fakes, std::vector<VideoItem>& fake_items) {
  const std::string text = read_text(file);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    log.add(file, 1, "", "empty file: expected a JSON object of videos");
    return;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based position of the last character read.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    std::string what = e.what();
    const auto pos = what.find("syntax error");
    log.add(file, line_of_offset(text, offset), "",
            "invalid JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
    return;
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double ("1e999"): nlohmann throws out_of_range 406, which carries no
    // position; the message quotes the number, so its first occurrence in the text gives the line.
    std::string what = e.what();
    const auto pos = what.find("number overflow");
    what = pos == std::string::npos ? what : what.substr(pos);
    const auto q = what.find('\'');
    const auto q2 = q == std::string::npos ? q : what.find('\'', q + 1);
    const auto at = q2 == std::string::npos ? q2 : text.find(what.substr(q + 1, q2 - q - 1));
    log.add(file, at == std::string::npos ? 0 : line_of_offset(text, at), "", "invalid JSON: " + what);
    return;
  }
  if (!doc.is_object()) {
    log.add(file, 1, "", "expected a JSON object {\"video.mp4\": {...}, ...}");
    return;
  }
  const auto key_lines = top_level_key_lines(text);
  const fs::path dir = fs::path(file).parent_path();
  for (const auto& [name, entry] : doc.items()) {
    const auto kl = key_lines.find(name);
    const int line = kl == key_lines.end() ? 0 : kl->second;
    if (!entry.is_object()) {
      log.add(file, line, name, "entry of '" + name + "' is not an object");
      continue;
    }
    VideoItem item;
    item.id = name;
    item.path = (dir / name).lexically_normal().string();
    const auto label = entry.find("label");
    if (label == entry.end() || !label->is_string()) {
      log.add(file, line, name, "'" + name + "' has no \"label\" string (REAL or FAKE)");
      continue;
    }
    const std::string label_text = label->get<std::string>();
    const std::string ll = ascii_lower(label_text);
    if (ll == "real") item.label = 0;
    else if (ll == "fake") item.label = 1;
    else {
      log.add(file, line, name, "label '" + label_text + "' of '" + name + "' is not REAL or FAKE");
      continue;
    }
    const auto split = entry.find("split");
    if (split != entry.end() && !split->is_string() && !split->is_null()) {
      log.add(file, line, name, "\"split\" of '" + name + "' is not a string");
      continue;
    }
    item.split = split != entry.end() && split->is_string() ? split->get<std::string>() : "train";
    const auto original = entry.find("original");
    if (original != entry.end() && !original->is_null()) {
      if (!original->is_string()) {
        log.add(file, line, name, "\"original\" of '" + name + "' is not a string or null");
        continue;
      }
      if (*item.label == 0) {
        log.add(file, line, name, "REAL video '" + name + "' names an original");
        continue;
      }
      item.original = original->get<std::string>();
      fakes.push_back({name, *item.original, file, line});
      fake_items.push_back(std::move(item));   // added once its original is known to be valid
      continue;
    }
    items.add(std::move(item), file, line);
  }
}

// Adds the fakes whose original is a REAL video of the dataset (after duplicate/file checks).
void add_fakes(const Dataset& ds, ItemCollector& items, ProblemLog& log, const std::vector<PendingFake>& fakes,
               std::vector<VideoItem>& fake_items) {
  std::unordered_set<std::string> reals, fake_ids;
  for (const auto& v : ds.items) (v.label == 0 ? reals : fake_ids).insert(v.id);
  for (const auto& f : fakes) fake_ids.insert(f.id);
  for (std::size_t i = 0; i < fakes.size(); ++i) {
    const PendingFake& f = fakes[i];
    const bool listed_fake = fake_ids.count(f.original) > 0;
    if (!reals.count(f.original)) {
      log.add(f.file, f.line, f.id,
              listed_fake ? "original '" + f.original + "' of fake '" + f.id + "' is itself FAKE"
                          : "original '" + f.original + "' of fake '" + f.id + "' is not in the dataset (or was skipped)");
      continue;
    }
    items.add(std::move(fake_items[i]), f.file, f.line);
  }
}

}  // namespace

int line_of_offset(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

Dataset read_dfdc_metadata(const std::string& metadata_json, const ReadOptions& options) {
  Dataset ds;
  ds.layout = "dfdc";
  ds.root = absolute_path(metadata_json);
  ProblemLog log;
  ItemCollector items(ds, log, options);
  std::vector<PendingFake> fakes;
  std::vector<VideoItem> fake_items;
  read_metadata(ds.root, items, log, fakes, fake_items);
  add_fakes(ds, items, log, fakes, fake_items);
  log.finish(options.policy, ds);
  return ds;
}

Dataset read_dfdc(const std::string& root_in, const ReadOptions& options) {
  Dataset ds;
  ds.layout = "dfdc";
  ds.root = absolute_path(root_in);
  const fs::path root(ds.root);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw ConfigError(root_in, 0, "not a directory (expected a DFDC root)");

  std::vector<std::string> metadata_files;
  if (fs::is_regular_file(root / "metadata.json", ec)) metadata_files.push_back((root / "metadata.json").string());
  ProblemLog log;
  ItemCollector items(ds, log, options);
  for (const FolderEntry& e : list_folder(root.string(), &log))
    if (e.is_directory && fs::is_regular_file(fs::path(e.path) / "metadata.json", ec))
      metadata_files.push_back((fs::path(e.path) / "metadata.json").string());

  std::vector<PendingFake> fakes;
  std::vector<VideoItem> fake_items;
  for (const auto& f : metadata_files) read_metadata(f, items, log, fakes, fake_items);
  add_fakes(ds, items, log, fakes, fake_items);

  const fs::path submission = root / "sample_submission.csv";
  if (fs::is_regular_file(submission, ec)) {
    const fs::path video_dir = fs::is_directory(root / "test_videos", ec) ? root / "test_videos" : root;
    CsvTable t = read_csv_file(submission.string(), {"filename", "label"});
    for (const auto& d : t.problems.items()) log.add(d.file, d.line, "", d.message);
    if (t.empty_file) log.add(submission.string(), 1, "", "empty file: expected filename,label rows");
    const std::size_t n_cols = t.has_header ? t.header.fields.size() : 2;
    const int name_col = std::max(0, t.column("filename"));
    for (const auto& row : t.rows) {
      if (row.fields.size() != n_cols) {
        log.add(submission.string(), row.line, row.fields.empty() ? "" : row.fields[0],
                "expected " + std::to_string(n_cols) + " columns, got " + std::to_string(row.fields.size()));
        continue;
      }
      const std::string& name = row.fields[static_cast<std::size_t>(name_col)];
      if (name.empty()) {
        log.add(submission.string(), row.line, "", "empty filename");
        continue;
      }
      items.add({name, (video_dir / name).string(), std::nullopt, "test", std::nullopt, ""}, submission.string(),
                row.line);
    }
  }
  if (metadata_files.empty() && !fs::is_regular_file(submission, ec))
    log.add(ds.root, 0, "", "no metadata.json (in the folder or its subfolders) and no sample_submission.csv");
  log.finish(options.policy, ds);
  return ds;
}

}  // namespace dflab
