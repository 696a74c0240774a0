#pragma once
// Shared input checks for the binary metrics: labels 0 = real, 1 = fake; scores = P(fake).
//
//   ClassCounts c = check_binary_input(labels, scores, "roc_curve");
//   if (!c.both_classes()) { ... AUC, ROC, EER are undefined ... }

#include <cstddef>
#include <string>
#include <vector>

namespace dflab {

struct ClassCounts {
  std::size_t n = 0, n_positive = 0, n_negative = 0;
  bool both_classes() const { return n_positive > 0 && n_negative > 0; }
};

// Throws std::invalid_argument (message starts with `what`) on a size mismatch, empty input, a
// label other than 0/1, or a non-finite score; the message names the first offending index.
ClassCounts check_binary_input(const std::vector<int>& labels, const std::vector<double>& scores,
                               const std::string& what);

// Note used for every metric that needs both classes.
inline const char* const kOneClassNote = "undefined: only one class present";

}  // namespace dflab
