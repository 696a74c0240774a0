#include "metrics/binary_input.h"

#include <cmath>
#include <stdexcept>

namespace dflab {

ClassCounts check_binary_input(const std::vector<int>& labels, const std::vector<double>& scores,
                               const std::string& what) {
  if (labels.size() != scores.size())
    throw std::invalid_argument(what + ": " + std::to_string(labels.size()) + " labels but " +
                                std::to_string(scores.size()) + " scores");
  if (labels.empty()) throw std::invalid_argument(what + ": empty input (no samples)");
  ClassCounts c;
  c.n = labels.size();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == 1) {
      ++c.n_positive;
    } else if (labels[i] == 0) {
      ++c.n_negative;
    } else {
      throw std::invalid_argument(what + ": label " + std::to_string(labels[i]) + " at index " +
                                  std::to_string(i) + " is not 0 (real) or 1 (fake)");
    }
    if (!std::isfinite(scores[i]))
      throw std::invalid_argument(what + ": score at index " + std::to_string(i) +
                                  " is not finite (" + std::to_string(scores[i]) + ")");
  }
  return c;
}

}  // namespace dflab
