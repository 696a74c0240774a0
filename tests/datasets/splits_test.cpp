#include "datasets/splits.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace dflab {
namespace {

std::vector<VideoItem> make_items(int n_real, int n_fake, bool paired) {
  std::vector<VideoItem> items;
  for (int i = 0; i < n_real; ++i) items.push_back({"r" + std::to_string(i) + ".mp4", "", 0, "train", std::nullopt});
  for (int i = 0; i < n_fake; ++i) {
    VideoItem f{"f" + std::to_string(i) + ".mp4", "", 1, "train", std::nullopt};
    if (paired) f.original = "r" + std::to_string(i % n_real) + ".mp4";
    items.push_back(f);
  }
  return items;
}

std::map<std::string, int> count(const std::vector<VideoItem>& items, const std::string& split) {
  std::map<std::string, int> c;
  for (const auto& v : items)
    if (v.split == split) ++c[*v.label ? "fake" : "real"];
  return c;
}

TEST(HoldOutValidation, StratifiedShareAndDeterministic) {
  auto a = make_items(50, 150, false);
  auto b = a;
  hold_out_validation(a, {0.2, 7});
  hold_out_validation(b, {0.2, 7});
  auto val = count(a, "val");
  EXPECT_EQ(val["real"], 10);
  EXPECT_EQ(val["fake"], 30);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].split, b[i].split) << "same seed, same split";
  auto c = make_items(50, 150, false);
  hold_out_validation(c, {0.2, 8});
  int differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += a[i].split != c[i].split;
  EXPECT_GT(differ, 0) << "another seed, another split";
}

TEST(HoldOutValidation, PairsStayTogether) {
  // Fakes of the same original must land on their original's side.
  auto items = make_items(20, 60, true);
  hold_out_validation(items, {0.25, 1});
  std::map<std::string, std::string> split_of;
  for (const auto& v : items) split_of[v.id] = v.split;
  for (const auto& v : items)
    if (v.original) EXPECT_EQ(v.split, split_of[*v.original]) << v.id;
  EXPECT_GT(count(items, "val")["real"] + count(items, "val")["fake"], 0);
  EXPECT_GT(count(items, "train")["real"], 0);
}

TEST(HoldOutValidation, TinyClassesKeepBothSides) {
  auto items = make_items(2, 3, false);
  hold_out_validation(items, {0.1, 3});
  EXPECT_EQ(count(items, "val")["real"], 1) << "at least one group of each class goes to val";
  EXPECT_EQ(count(items, "train")["real"], 1) << "and at least one stays in train";
  auto single = make_items(1, 4, false);
  hold_out_validation(single, {0.5, 3});
  EXPECT_EQ(count(single, "train")["real"], 1) << "a lone group stays in train";
  EXPECT_THROW(hold_out_validation(items, {0.0, 1}), std::invalid_argument);
  EXPECT_THROW(hold_out_validation(items, {1.0, 1}), std::invalid_argument);
}

TEST(HoldOutValidation, OtherSplitsAndUnlabeledAreUntouched) {
  auto items = make_items(10, 10, false);
  items.push_back({"t.mp4", "", std::nullopt, "test", std::nullopt});
  items[0].split = "val";
  hold_out_validation(items, {0.3, 5});
  EXPECT_EQ(items.back().split, "test");
}

TEST(AssignFolds, BalancedGroupedAndComplete) {
  auto items = make_items(30, 90, true);
  auto fold = assign_folds(items, 5, 11);
  std::map<int, std::map<int, int>> per_fold;   // fold → label → count
  std::map<std::string, int> fold_of;
  for (std::size_t i = 0; i < items.size(); ++i) {
    ASSERT_GE(fold[i], 0);
    ASSERT_LT(fold[i], 5);
    ++per_fold[fold[i]][*items[i].label];
    fold_of[items[i].id] = fold[i];
  }
  for (std::size_t i = 0; i < items.size(); ++i)
    if (items[i].original) EXPECT_EQ(fold[i], fold_of[*items[i].original]) << "pairs share a fold";
  // Groups are an original with its three fakes (majority fake): 30 groups of 4 over 5 folds.
  for (const auto& [f, by_label] : per_fold) {
    int total = 0;
    for (const auto& [l, n] : by_label) total += n;
    EXPECT_EQ(total, 24) << "fold " << f;
  }
  EXPECT_EQ(assign_folds(items, 5, 11), fold) << "deterministic";
  EXPECT_THROW(assign_folds(items, 1, 11), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
