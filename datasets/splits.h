#pragma once
// Seeded, stratified, grouped splits: hold out a validation share of the training videos, or
// assign k cross-validation folds, when a dataset has no split of its own.
//
//   Dataset ds = read_dataset(root);
//   hold_out_validation(ds.items, {/*val_fraction=*/0.2, /*seed=*/42});   // "train" → "train" + "val"
//   std::vector<int> fold = assign_folds(ds.items, /*k=*/5, /*seed=*/42);  // fold of each item
//
// Grouped: videos that share a group go to the same side, so a model is never validated on a
// face it saw in training. A group is a DFDC fake with its original (the `original` field), or
// whatever `group_of` returns (e.g. a swap identity from identities.csv).
// Stratified: groups are split within their label (a group's label is its majority label, ties
// count as fake) so each side keeps the class balance.
// Deterministic across platforms and standard libraries: the shuffle is our own Fisher-Yates on
// std::mt19937_64 (std::shuffle's algorithm is implementation-defined).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace dflab {

struct SplitOptions {
  double val_fraction = 0.2;   // share of the items (counted per class) that go to validation
  std::uint64_t seed = 42;
  std::string from_split = "train";   // items of this split are divided; others are left alone
  std::string val_split = "val";
};

using GroupFunction = std::function<std::string(const VideoItem&)>;

// The default grouping: a video's `original` if it has one, else its own id.
std::string default_group(const VideoItem& item);

// Moves about val_fraction of the `from_split` items (per class, whole groups) to `val_split`.
// Each class with at least two groups keeps at least one group on each side. Throws
// std::invalid_argument when val_fraction is not in (0, 1).
void hold_out_validation(std::vector<VideoItem>& items, const SplitOptions& options,
                         const GroupFunction& group_of = default_group);

// Fold index in [0, k) for every item (-1 for items without a label); whole groups per fold,
// classes balanced across folds. Throws std::invalid_argument when k < 2.
std::vector<int> assign_folds(const std::vector<VideoItem>& items, int k, std::uint64_t seed,
                              const GroupFunction& group_of = default_group);

}  // namespace dflab
