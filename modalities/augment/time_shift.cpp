#include "modalities/augment/time_shift.h"

#include <cmath>

namespace dflab {

PluginInfo TimeShift::info() {
  return {kind::augmentation,
          "time_shift",
          "shift the feature along time (circular or padded with the minimum)",
          {probability_param(0.5),
           ParamSpec::real("max_shift", 0.2, "largest shift as a fraction of the frames").range(0.0, 1.0),
           ParamSpec::string("mode", "circular", "circular: wrap around; pad: fill with the minimum")
               .one_of({"circular", "pad"})}};
}

TimeShift::TimeShift(const Params& params)
    : BasicAugmentation("time_shift", params, false, true),
      max_shift_(params.real("max_shift")),
      mode_(params.string("mode")) {}

void TimeShift::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const int T = s.feature.cols;
  const auto m = static_cast<std::int64_t>(std::floor(max_shift_ * T));
  const int k = static_cast<int>(uniform_int(rng, -m, m));
  if (k == 0) return;
  double lo = 0.0;
  cv::minMaxLoc(s.feature, &lo);
  cv::Mat out(s.feature.size(), CV_32FC1, cv::Scalar(lo));
  for (int t = 0; t < T; ++t) {
    int src = t - k;
    if (mode_ == "circular")
      src = ((src % T) + T) % T;
    else if (src < 0 || src >= T)
      continue;
    s.feature.col(src).copyTo(out.col(t));
  }
  s.feature = out;
}

}  // namespace dflab
