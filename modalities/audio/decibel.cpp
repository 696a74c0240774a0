#include "modalities/audio/decibel.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dflab {

namespace {

FeatureMatrix to_db(const FeatureMatrix& s, double multiplier, double amin, double ref, bool ref_max,
                    double top_db) {
  if (!(amin > 0)) throw std::invalid_argument("to_db: amin must be > 0");
  FeatureMatrix out(s.n_rows, s.n_cols);
  const float amin_f = static_cast<float>(amin);
  float in_max = 0.0f;
  for (float v : s.data) in_max = std::max(in_max, std::abs(v));
  double r = ref_max ? in_max : std::abs(ref);
  // librosa takes the reference from the magnitude: ref=np.max is max(|S|).
  const float offset = static_cast<float>(multiplier * std::log10(std::max(amin, r)));
  float out_max = -INFINITY;
  for (std::size_t i = 0; i < s.data.size(); ++i) {
    const float v = std::abs(s.data[i]);
    const float d = static_cast<float>(multiplier) * std::log10(std::max(amin_f, v)) - offset;
    out.data[i] = d;
    out_max = std::max(out_max, d);
  }
  if (top_db > 0 && !out.data.empty()) {
    const float floor_db = out_max - static_cast<float>(top_db);
    for (float& d : out.data) d = std::max(d, floor_db);
  }
  return out;
}

}  // namespace

FeatureMatrix power_to_db(const FeatureMatrix& power, const DbOptions& o) {
  return to_db(power, 10.0, o.amin, o.ref, o.ref_max, o.top_db);
}

// 20 log10(max(amin, |S|)) - 20 log10(max(amin, ref)) == 10 log10(max(amin^2, S^2)) - 10 log10(...)
FeatureMatrix amplitude_to_db(const FeatureMatrix& amplitude, const DbOptions& o) {
  return to_db(amplitude, 20.0, o.amin, o.ref, o.ref_max, o.top_db);
}

DbOptions amplitude_db_defaults() {
  DbOptions o;
  o.amin = 1e-5;
  return o;
}

}  // namespace dflab
