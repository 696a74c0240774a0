#include "metrics/confusion.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "metrics/binary_input.h"

namespace dflab {
namespace {

std::optional<double> ratio(std::uint64_t num, std::uint64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

std::optional<double> Confusion::tpr() const { return ratio(tp, tp + fn); }
std::optional<double> Confusion::fpr() const { return ratio(fp, fp + tn); }
std::optional<double> Confusion::precision() const { return ratio(tp, tp + fp); }
std::optional<double> Confusion::f1() const { return ratio(2 * tp, 2 * tp + fp + fn); }
std::optional<double> Confusion::accuracy() const { return ratio(tp + tn, n()); }

Confusion confusion_at(const std::vector<int>& labels, const std::vector<double>& scores,
                       double threshold) {
  check_binary_input(labels, scores, "confusion_at");
  if (!std::isfinite(threshold))
    throw std::invalid_argument("confusion_at: threshold is not finite");
  Confusion c;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool predicted_fake = scores[i] >= threshold;
    if (labels[i] == 1) {
      if (predicted_fake) ++c.tp; else ++c.fn;
    } else {
      if (predicted_fake) ++c.fp; else ++c.tn;
    }
  }
  return c;
}

}  // namespace dflab
