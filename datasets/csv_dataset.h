#pragma once
// Generic CSV dataset: `path,label[,split]` (any further columns are allowed when a header names
// them, e.g. talking-heads' `path,target,source,why`). Header optional; recognised column names:
// path|file|filename|video|video_name|name, label|target, split, original (a fake's source video
// as written in the path column: grouped splits keep the pair together, paired_mixup blends them). Labels: 0/1, REAL/FAKE,
// bonafide/spoof (parse_label); an empty label leaves the item unlabeled. Paths are relative to
// the CSV's folder (absolute ones are kept); `id` is the path as written. Without a split column
// every item is in split "all". With ReadOptions::source_column the named column gives each row's
// source (an empty cell falls back to the file's parent folder, see VideoItem::source); a header
// without that column, or a file without a header, is a ConfigError naming the file.
//
//   Dataset ds = read_csv_dataset("/data/add2022-audio/labels.csv");

#include <string>

#include "datasets/dataset.h"

namespace dflab {

Dataset read_csv_dataset(const std::string& csv_path, const ReadOptions& options = {});

}  // namespace dflab
