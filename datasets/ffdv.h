#pragma once
// FFDV layout (2024 multi-FFDV challenge, ref: the challenge's baseline data loader):
//
//   root/trainset/*.mp4   root/trainset_label.txt  (or train_label.txt)   video_name,target
//   root/valset/*.mp4     root/valset_label.txt    (or val_label.txt)     video_name,target
//   root/testset1/*.mp4   root/prediction.csv (names to predict: video_name[,score], no labels)
//
// target is 0 real / 1 fake (REAL/FAKE etc. are accepted too, see parse_label). A label file
// `<prefix>_label.txt` gives split `<prefix>` without a trailing "set" ("trainset" → "train"),
// and its videos are in folder `<prefix>` (or the same name with/without "set"). Unlabeled lists
// `<prefix>_nolabel.txt|csv` work the same way. `prediction.csv` in the root lists split "test",
// whose videos are looked up in the root's test* folders. A test* folder that no list names
// contributes all its .mp4 files, unlabeled, as split `<folder>` without "set".
//
//   Dataset ds = read_ffdv("/data/ffdv", {ProblemPolicy::skip});

#include <string>

#include "datasets/dataset.h"

namespace dflab {

Dataset read_ffdv(const std::string& root, const ReadOptions& options = {});

// One FFDV label file (`video_name,target`, header optional) whose videos are in `video_dir`
// (empty: the label file's folder). Used for labels without a full layout (e.g. `dflab score`).
Dataset read_ffdv_label_file(const std::string& label_file, const std::string& split,
                             const std::string& video_dir, const ReadOptions& options = {});

// Any FFDV list, labelled (`video_name,target`) or not (`video_name[,score]`), whose videos are in
// `video_dir` (empty: the list's folder).
Dataset read_ffdv_list(const std::string& list_file, const std::string& split, bool labeled,
                       const std::string& video_dir, const ReadOptions& options = {});

// The folder under `root` that holds the videos of `list_file`: `trainset_label.txt` → root/trainset
// (or root/train), `val_label.txt` → root/val (or root/valset); a list without such a folder
// (e.g. prediction.csv) → the first test* folder when `split` is "test", else root.
std::string ffdv_video_dir(const std::string& root, const std::string& list_file, const std::string& split);

// "trainset" → "train", "valset" → "val", "testset1" → "testset1".
std::string ffdv_split_name(const std::string& prefix);

}  // namespace dflab
