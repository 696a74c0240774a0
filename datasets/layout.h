#pragma once
// Which reader a path needs, and one call that reads any layout.
//
//   a folder with metadata.json (in it or in a subfolder)   → dfdc   (dfdc.h)
//   a folder with *_label.txt, prediction.csv or test*/      → ffdv   (ffdv.h)
//   a folder with labels.csv, or a given .csv file           → csv    (csv_dataset.h)
//   a given metadata.json                                    → dfdc, that one file
//   a given *_label.txt / *.txt                              → ffdv, that one label file
//
//   Dataset ds = read_dataset(path, {ProblemPolicy::skip});   // ds.layout says which one

#include <string>

#include "datasets/dataset.h"

namespace dflab {

enum class Layout { ffdv, dfdc, csv };

std::string to_string(Layout layout);

// Throws ConfigError naming the path and what was looked for when no layout fits.
Layout detect_layout(const std::string& path);

Dataset read_dataset(const std::string& path, const ReadOptions& options = {});

}  // namespace dflab
