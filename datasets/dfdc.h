#pragma once
// DFDC layout (Deepfake Detection Challenge, ref: the Kaggle dataset's metadata.json):
//
//   root/dfdc_train_part_0/metadata.json + *.mp4   (or root/metadata.json + *.mp4)
//   root/test_videos/*.mp4 + root/sample_submission.csv  (filename,label — names to predict)
//
//   metadata.json: {"x.mp4": {"label": "REAL"|"FAKE", "original": "y.mp4"|null, "split": "train"}}
//   (label is case-insensitive; a missing split means "train"; videos are in the json's folder)
//
// Each fake keeps its `original` (the real video it was made from: paired real/fake mixup needs
// both; fakes are listed after the real videos), and the reader checks that the original is in the set and is REAL; a fake whose
// original is not is a problem like any other. A JSON syntax error is reported with file:line.
//
//   Dataset ds = read_dfdc("/data/dfdc", {ProblemPolicy::skip});
//   for (const VideoItem& v : ds.items) if (v.original) pairs.emplace_back(v.id, *v.original);

#include <cstddef>
#include <string>

#include "datasets/dataset.h"

namespace dflab {

Dataset read_dfdc(const std::string& root, const ReadOptions& options = {});

// One metadata.json; its videos are in the file's folder.
Dataset read_dfdc_metadata(const std::string& metadata_json, const ReadOptions& options = {});

// 1-based line of byte offset `offset` (0-based) in `text`.
int line_of_offset(const std::string& text, std::size_t offset);

}  // namespace dflab
