#include "experiments/experiment_data.h"

#include <algorithm>
#include <set>

#include "datasets/csv_dataset.h"
#include "datasets/dfdc.h"
#include "datasets/ffdv.h"
#include "datasets/layout.h"
#include "datasets/splits.h"

namespace dflab {

namespace {

// Reads one list file named by [data] train/val/test in the experiment's format.
Dataset read_list_file(const std::string& format, const std::string& root, const std::string& file,
                       const std::string& split, const ReadOptions& options) {
  Dataset ds;
  if (format == "ffdv") {
    ds = read_ffdv_list(file, split, split != "test", ffdv_video_dir(root, file, split), options);
  } else if (format == "dfdc") {
    ds = read_dfdc_metadata(file, options);
  } else {
    // A CSV's own split column is honoured: a row marked "val" or "test" in the file named by
    // [data] train stays out of training (overriding it would silently train on held-out videos).
    // Rows without a split ("all": no column, or an empty cell) take the key's split.
    ds = read_csv_dataset(file, options);
    for (auto& item : ds.items)
      if (item.split == "all") item.split = split;
    return ds;
  }
  for (auto& item : ds.items) item.split = split;
  return ds;
}

void append(Dataset& into, Dataset&& from) {
  for (auto& item : from.items) into.items.push_back(std::move(item));
  for (auto& s : from.skipped) into.skipped.push_back(std::move(s));
  for (auto& w : from.warnings) into.warnings.push_back(std::move(w));
}

}  // namespace

Dataset load_experiment_dataset(const ExperimentConfig& exp) {
  const std::string format = exp.data.string("format");
  const std::string root = exp.data.string("root");
  ReadOptions options;
  options.policy = exp.data.string("on_error") == "stop" ? ProblemPolicy::stop : ProblemPolicy::skip;
  options.root = root;
  options.source_column = exp.data.string("source_column");

  Dataset ds;
  const bool explicit_lists = !exp.data.string("train").empty() || !exp.data.string("val").empty() ||
                              !exp.data.string("test").empty();
  if (!explicit_lists) {
    if (format == "ffdv") ds = read_ffdv(root, options);
    else if (format == "dfdc") ds = read_dfdc(root, options);
    else ds = read_dataset(root, options);
    if (ds.layout != format)
      throw ConfigError(exp.file, 0, "[data] format = \"" + format + "\" but " + root + " looks like a " +
                                         ds.layout + " dataset");
  } else {
    ds.layout = format;
    ds.root = root;
    std::vector<std::string> read;   // a CSV named by two keys is read once: its split column sorts it
    for (const char* split : {"train", "val", "test"}) {
      const std::string file = exp.data.string(split);
      if (file.empty() || (format == "csv" && std::find(read.begin(), read.end(), file) != read.end())) continue;
      read.push_back(file);
      append(ds, read_list_file(format, root, file, split, options));
    }
  }

  const bool has_val = std::any_of(ds.items.begin(), ds.items.end(), [](const VideoItem& v) { return v.split == "val"; });
  const double fraction = exp.data.real("val_fraction");
  // Leave-one-source-out carves validation out of each fold's training sources instead (source_folds).
  const bool per_fold = exp.data.string("protocol") == "leave_one_source_out";
  if (!has_val && !per_fold && exp.data.integer("folds") == 0 && fraction > 0.0) {
    SplitOptions split;
    split.val_fraction = fraction;
    split.seed = static_cast<std::uint64_t>(exp.experiment.integer("seed"));
    hold_out_validation(ds.items, split);
  }
  return ds;
}

std::vector<SourceFold> source_folds(const ExperimentConfig& exp, const Dataset& ds) {
  // Sources of the labelled videos: an unlabelled one can be neither trained nor tested on.
  std::set<std::string> labelled;
  for (const VideoItem& v : ds.items)
    if (v.label) labelled.insert(v.source);
  auto listing = [&] {
    std::string out;
    for (const std::string& s : labelled) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? std::string("none") : out;
  };
  if (labelled.size() < 2)
    throw ConfigError(exp.file, 0, "[data] protocol = \"leave_one_source_out\" needs labelled videos of at least two "
                                   "sources; found " + std::to_string(labelled.size()) + " (" + listing() +
                                   "); name a CSV column with [data] source_column, or put each source in its own folder");
  std::vector<std::string> held_out = exp.data.strings("holdout_sources");
  if (held_out.empty()) held_out.assign(labelled.begin(), labelled.end());
  std::sort(held_out.begin(), held_out.end());
  held_out.erase(std::unique(held_out.begin(), held_out.end()), held_out.end());

  std::vector<SourceFold> folds;
  for (const std::string& source : held_out) {
    if (!labelled.count(source))
      throw ConfigError(exp.file, 0, "[data] holdout_sources: source '" + source + "' has no labelled videos" +
                                         (ds.skipped.empty() ? std::string() : " after skipping bad rows") +
                                         " (sources with labelled videos: " + listing() + ")");
    SourceFold f;
    f.source = source;
    bool has_val = false;
    for (const VideoItem& v : ds.items) {
      if (!v.label) continue;
      if (v.source == source) {
        f.test.push_back(v);
        f.test.back().split = "test";
        (*v.label ? f.n_fake : f.n_real) += 1;
      } else if (v.split == "train" || v.split == "all") {
        f.train.push_back(v);
        f.train.back().split = "train";
      } else if (v.split == "val") {
        f.val.push_back(v);
        has_val = true;
      }
      // The other sources' test rows stay unseen, as in the splits protocol.
    }
    const double fraction = exp.data.real("val_fraction");
    if (!has_val && fraction > 0.0 && !f.train.empty()) {
      SplitOptions split;
      split.val_fraction = fraction;
      split.seed = static_cast<std::uint64_t>(exp.experiment.integer("seed"));
      hold_out_validation(f.train, split);
      std::vector<VideoItem> train;
      for (VideoItem& v : f.train) (v.split == "val" ? f.val : train).push_back(std::move(v));
      f.train = std::move(train);
    }
    if (f.train.empty())
      throw ConfigError(exp.file, 0, "leave_one_source_out: holding out '" + source +
                                         "' leaves no labelled training videos (the other sources' videos are all in "
                                         "val or test splits)");
    folds.push_back(std::move(f));
  }
  return folds;
}

}  // namespace dflab
