#include "metrics/roc.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "metrics/binary_input.h"

namespace dflab {

std::vector<std::size_t> order_by_decreasing_score(const std::vector<double>& scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

RocCurve roc_curve_sorted(const std::vector<int>& labels, const std::vector<double>& scores,
                          const std::vector<std::size_t>& order) {
  const ClassCounts c = check_binary_input(labels, scores, "roc_curve");
  if (order.size() != scores.size())
    throw std::invalid_argument("roc_curve: order has " + std::to_string(order.size()) +
                                " indices for " + std::to_string(scores.size()) + " scores");
  if (!c.both_classes()) throw std::domain_error(kOneClassNote);

  RocCurve roc;
  roc.n_positive = c.n_positive;
  roc.n_negative = c.n_negative;
  roc.fp.push_back(0);
  roc.tp.push_back(0);
  roc.thresholds.push_back(scores[order[0]] + 1.0);
  std::uint64_t fp = 0, tp = 0;
  for (std::size_t k = 0; k < order.size();) {
    const double s = scores[order[k]];
    // One ROC point per distinct score: take the whole tie group at once.
    for (; k < order.size() && scores[order[k]] == s; ++k) {
      if (labels[order[k]] == 1) ++tp; else ++fp;
    }
    roc.fp.push_back(fp);
    roc.tp.push_back(tp);
    roc.thresholds.push_back(s);
  }
  roc.fpr.resize(roc.fp.size());
  roc.tpr.resize(roc.tp.size());
  for (std::size_t k = 0; k < roc.fp.size(); ++k) {
    roc.fpr[k] = static_cast<double>(roc.fp[k]) / static_cast<double>(roc.n_negative);
    roc.tpr[k] = static_cast<double>(roc.tp[k]) / static_cast<double>(roc.n_positive);
  }
  return roc;
}

RocCurve roc_curve(const std::vector<int>& labels, const std::vector<double>& scores) {
  check_binary_input(labels, scores, "roc_curve");
  return roc_curve_sorted(labels, scores, order_by_decreasing_score(scores));
}

double roc_auc(const RocCurve& roc) {
  if (roc.n_positive == 0 || roc.n_negative == 0 || roc.size() < 2)
    throw std::domain_error(kOneClassNote);
  // Twice the trapezoid area in count units: sum of dfp * (tp_prev + tp), an exact integer.
  // Bounded by 2 P N <= n^2 / 2, so it fits 64 bits for any n below 6e9.
  std::uint64_t twice_area = 0;
  for (std::size_t k = 1; k < roc.size(); ++k)
    twice_area += (roc.fp[k] - roc.fp[k - 1]) * (roc.tp[k] + roc.tp[k - 1]);
  return static_cast<double>(twice_area) /
         (2.0 * static_cast<double>(roc.n_positive) * static_cast<double>(roc.n_negative));
}

double roc_auc(const std::vector<int>& labels, const std::vector<double>& scores) {
  return roc_auc(roc_curve(labels, scores));
}

TprAtFpr tpr_at_fpr(const RocCurve& roc, double target_fpr) {
  if (!(target_fpr >= 0.0 && target_fpr <= 1.0))
    throw std::invalid_argument("tpr_at_fpr: target FPR " + std::to_string(target_fpr) +
                                " is outside [0, 1]");
  if (roc.n_positive == 0 || roc.n_negative == 0 || roc.size() < 2)
    throw std::domain_error(kOneClassNote);
  // fpr is non-decreasing, so the qualifying points are a prefix; tpr is non-decreasing, so the
  // best TPR is reached within that prefix; keep the first point reaching it (highest threshold).
  // fp / N and the target are both correctly rounded, so an FPR equal to the target qualifies.
  std::size_t best = 0;
  for (std::size_t k = 0; k < roc.size() && roc.fpr[k] <= target_fpr; ++k) {
    if (roc.tp[k] > roc.tp[best]) best = k;
  }
  return {roc.tpr[best], roc.fpr[best], roc.thresholds[best]};
}

EerPoint equal_error_rate(const RocCurve& roc) {
  if (roc.n_positive == 0 || roc.n_negative == 0 || roc.size() < 2)
    throw std::domain_error(kOneClassNote);
  // d = FPR - FNR = fpr + tpr - 1: -1 at (0, 0), +1 at (1, 1), non-decreasing in between.
  auto d = [&](std::size_t k) { return roc.fpr[k] + roc.tpr[k] - 1.0; };
  std::size_t k = 1;
  while (k + 1 < roc.size() && d(k) < 0.0) ++k;
  const double d0 = d(k - 1), d1 = d(k);
  const double t = d1 > d0 ? -d0 / (d1 - d0) : 1.0;   // d0 < 0 <= d1, so t in (0, 1]
  return {roc.fpr[k - 1] + t * (roc.fpr[k] - roc.fpr[k - 1]), roc.thresholds[k]};
}

}  // namespace dflab
