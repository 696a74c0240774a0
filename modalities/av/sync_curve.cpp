#include "modalities/av/sync_curve.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace dflab {

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
}  // namespace

double median_frame_interval(const std::vector<double>& timestamps_s) {
  std::vector<double> gaps;
  for (std::size_t k = 1; k < timestamps_s.size(); ++k) gaps.push_back(timestamps_s[k] - timestamps_s[k - 1]);
  return gaps.empty() ? 0.0 : median(gaps);
}

void settle_sync_curve(SyncCurve& c) {
  double best = std::numeric_limits<double>::infinity();
  std::vector<double> defined;
  c.offset_frames = 0;
  for (std::size_t k = 0; k < c.offsets.size(); ++k) {
    const double v = c.logit[k];
    if (std::isnan(v)) continue;
    defined.push_back(v);
    // Ties go to the offset nearest zero: a flat curve says "no evidence of a shift".
    if (v < best || (v == best && std::abs(c.offsets[k]) < std::abs(c.offset_frames))) best = v, c.offset_frames = c.offsets[k];
  }
  c.confidence = defined.empty() ? 0.0 : median(defined) - best;
  c.offset_ms = 1000.0 * c.offset_frames * c.frame_interval_s;
}

SyncCurve narrow_sync_curve(const SyncCurve& curve, int max_offset) {
  SyncCurve c = curve;
  c.offsets.clear();
  c.logit.clear();
  c.stacks.clear();
  for (std::size_t k = 0; k < curve.offsets.size(); ++k)
    if (std::abs(curve.offsets[k]) <= max_offset) {
      c.offsets.push_back(curve.offsets[k]);
      c.logit.push_back(curve.logit[k]);
      c.stacks.push_back(curve.stacks[k]);
    }
  if (c.offsets.size() != static_cast<std::size_t>(2 * max_offset + 1))
    throw std::invalid_argument("narrow_sync_curve: the curve does not cover -" + std::to_string(max_offset) + ".." +
                                std::to_string(max_offset));
  settle_sync_curve(c);
  return c;
}

SyncCurve mean_sync_curve(const std::vector<SyncCurve>& curves) {
  if (curves.empty()) throw std::invalid_argument("mean_sync_curve: no curve");
  SyncCurve c = curves.front();
  for (std::size_t k = 0; k < c.logit.size(); ++k) {
    double sum = 0.0;
    for (const SyncCurve& x : curves) {
      if (x.offsets != c.offsets) throw std::invalid_argument("mean_sync_curve: curves over different offsets");
      sum += x.logit[k];   // NaN stays NaN: the same clip gives every model the same stacks
    }
    c.logit[k] = sum / static_cast<double>(curves.size());
  }
  double p = 0.0;
  for (const SyncCurve& x : curves) p += x.in_sync_probability;
  c.in_sync_probability = p / static_cast<double>(curves.size());
  settle_sync_curve(c);
  return c;
}

}  // namespace dflab
