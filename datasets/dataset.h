#pragma once
// What every dataset reader returns: a flat list of videos with their labels and splits, plus
// the rows that were skipped and why. Readers for the FFDV, DFDC and generic-CSV layouts live in
// ffdv.h, dfdc.h and csv_dataset.h; layout.h picks one for a path.
//
//   Dataset ds = read_dataset("/data/ffdv", {ProblemPolicy::skip});   // layout.h
//   for (const VideoItem& v : ds.items) if (v.split == "train") train_on(v.path, *v.label);
//   for (const SkippedItem& s : ds.skipped) std::cerr << s.to_string() << "\n";
//
// Problem policy: every reader checks every row and collects every problem (duplicate names,
// missing files, labels outside the allowed set, wrong column count, empty file, ...) with its
// file and line. ProblemPolicy::stop then throws one ConfigError holding ALL of them;
// ProblemPolicy::skip leaves the bad rows out of `items` and records each in `skipped`.
//
// Datasets know nothing of models, modalities or the run store.

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "registry/diagnostics.h"

namespace dflab {

struct VideoItem {
  std::string id;                       // the video's name as written in the label file, e.g. "abc.mp4"
  std::string path;                     // absolute path of the media file
  std::optional<int> label;             // 0 real, 1 fake; nullopt for unlabeled (test) items
  std::string split;                    // "train", "val", "test", ... as the layout names it
  std::optional<std::string> original;  // DFDC: a fake's source video id (paired real/fake)
  // Where the video comes from (a generator, a capture set): leave-one-source-out evaluation
  // trains on the other sources and tests on this one. A CSV's ReadOptions::source_column when it
  // has a value on the row, else the media file's parent folder name (for DFDC that is the part
  // folder, e.g. "dfdc_train_part_0"). Filled by ItemCollector::add, so never empty in a Dataset.
  std::string source;
};

struct SkippedItem {
  std::string file;     // the label/metadata file the problem is in
  int line = 0;         // 1-based; 0 when the problem is not tied to a line
  std::string id;       // the video's name when known, else empty (file-level problems)
  std::string reason;
  std::string to_string() const;   // "file:line: reason"
};

enum class ProblemPolicy { stop, skip };

struct ReadOptions {
  ProblemPolicy policy = ProblemPolicy::stop;
  bool check_files = true;   // report listed media files that do not exist (off: labels only)
  // When set: a listed video whose path lies outside this folder (an absolute path elsewhere, a
  // "../" name) is kept, with a warning naming the list's file:line. Compared lexically, so
  // videos that are symbolic links into a store elsewhere do not warn.
  std::string root;
  // Generic CSV only: the column that names each video's source (e.g. talking-heads' "source").
  // Empty: every video's source is its parent folder. A named column the header lacks is a
  // ConfigError naming the file, whatever the policy (it is a setting, not a bad row).
  std::string source_column;
};

struct Dataset {
  std::string layout;                 // "ffdv", "dfdc" or "csv"
  std::string root;                   // the folder or file it was read from
  std::vector<VideoItem> items;       // in file order
  std::vector<SkippedItem> skipped;   // only filled under ProblemPolicy::skip
  std::vector<Diagnostic> warnings;   // kept items worth a word (a path outside ReadOptions::root)

  // Split names in order of first appearance.
  std::vector<std::string> splits() const;
  // Items in `split` (all splits when empty) with `label` (any label, unlabeled included, when
  // `any_label`).
  std::size_t count(const std::string& split, std::optional<int> label, bool any_label = false) const;
  const VideoItem* find(const std::string& id) const;
  // Distinct sources of the items, sorted.
  std::vector<std::string> sources() const;
};

// The source a video gets when its list names none: its media file's parent folder name
// ("/data/dfdc/dfdc_train_part_0/a.mp4" -> "dfdc_train_part_0"); "unknown" for a bare name.
std::string folder_source(const std::string& media_path);

// Parses a label: "0"/"1", real/fake, bonafide/spoof, genuine/fake (case-insensitive, as used by
// FFDV, DFDC and ASVspoof/ADD lists) → 0 real, 1 fake. Anything else → nullopt.
std::optional<int> parse_label(const std::string& text);
// The accepted spellings, for error messages.
const char* allowed_labels_text();

// Collects problems while a reader runs; `finish` applies the policy.
class ProblemLog {
 public:
  void add(std::string file, int line, std::string id, std::string reason);
  bool empty() const { return problems_.empty(); }
  // stop: throws ConfigError with every problem (sorted by file and line) if any;
  // skip: appends them to `ds.skipped`.
  void finish(ProblemPolicy policy, Dataset& ds);

 private:
  std::vector<SkippedItem> problems_;
};

// Used by the readers: adds items to a dataset after the checks every layout shares (a duplicate
// id anywhere in the dataset, a missing media file when ReadOptions::check_files) and the
// warning for a path outside ReadOptions::root.
class ItemCollector {
 public:
  ItemCollector(Dataset& ds, ProblemLog& log, const ReadOptions& options);
  // Returns false (and logs why) when the item was not added.
  bool add(VideoItem item, const std::string& file, int line);
  // Room for `n` more items (a label file's row count), so a 100k-row file is not copied as it grows.
  void reserve(std::size_t n);

 private:
  Dataset& ds_;
  ProblemLog& log_;
  const ReadOptions& options_;
  std::string root_;   // options_.root, absolute and normalised
  // id → (index into files_, line) of its first listing: no string built per row of a large file.
  std::unordered_map<std::string, std::pair<std::size_t, int>> seen_;
  std::vector<std::string> files_;
  std::size_t current_file_ = 0;   // index of the file the last row came from
  static constexpr std::size_t kOutsideNamed = 3;   // outside-root videos warned one by one
  std::size_t outside_ = 0, outside_summary_ = 0;   // count; index of the warning counting the rest
};

// Absolute, normalised form of `p` (relative paths resolve against the working directory).
std::string absolute_path(const std::string& p);

// (dir / name).lexically_normal() for a lexically normal `dir`, as a string. The common case, a
// plain relative name ("a.mp4", "part_0/b.mp4": no ".", ".." or empty parts), is joined without
// std::filesystem's parse: the readers call this once per row of files with 100k rows.
std::string join_normal(const std::string& dir, const std::string& name);

// Why `path` is unusable when it is a symbolic link that loops or points nowhere
// ("symbolic link loop", "dangling symbolic link to 'x.mp4'"); empty otherwise.
std::string broken_link_reason(const std::string& path);

// One entry of a folder the readers list, symbolic links followed.
struct FolderEntry {
  std::string name;         // file name only
  std::string path;         // folder / name
  bool is_directory = false;
  bool is_regular_file = false;
};

// The entries of `dir`, sorted by name. An entry whose type cannot be read (a symbolic link loop,
// a dangling link, one that vanished) is left out and, with a `log`, recorded as a problem naming
// its path: one bad link never aborts reading the rest. An unreadable folder is one problem.
std::vector<FolderEntry> list_folder(const std::string& dir, ProblemLog* log);

}  // namespace dflab
