#include "modalities/augment/spec_augment.h"

#include <algorithm>
#include <stdexcept>

namespace dflab {

PluginInfo SpecAugment::info() {
  return {kind::augmentation,
          "spec_augment",
          "SpecAugment frequency and time masks filled with the feature mean",
          {probability_param(0.5),
           ParamSpec::integer("freq_masks", 2, "number of frequency masks").range(0, 16),
           ParamSpec::integer("freq_width_min", 0, "narrowest frequency mask").range(0, 1024).with_unit("bins"),
           ParamSpec::integer("freq_width_max", 15, "widest frequency mask (F)").range(0, 1024).with_unit("bins"),
           ParamSpec::integer("time_masks", 2, "number of time masks").range(0, 16),
           ParamSpec::integer("time_width_min", 0, "narrowest time mask").range(0, 100000).with_unit("frames"),
           ParamSpec::integer("time_width_max", 20, "widest time mask (T)").range(0, 100000).with_unit("frames")}};
}

SpecAugment::SpecAugment(const Params& params)
    : BasicAugmentation("spec_augment", params, false, true),
      freq_masks_(params.integer("freq_masks")),
      freq_min_(params.integer("freq_width_min")),
      freq_max_(params.integer("freq_width_max")),
      time_masks_(params.integer("time_masks")),
      time_min_(params.integer("time_width_min")),
      time_max_(params.integer("time_width_max")) {
  const std::string where = params.origin + (params.origin.empty() ? "" : ": ") + "spec_augment: ";
  if (freq_min_ > freq_max_) throw std::invalid_argument(where + "freq_width_min must be <= freq_width_max");
  if (time_min_ > time_max_) throw std::invalid_argument(where + "time_width_min must be <= time_width_max");
}

void SpecAugment::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const cv::Scalar fill = cv::mean(s.feature);
  cv::Mat out = s.feature.clone();
  auto mask = [&](std::int64_t n, std::int64_t wmin, std::int64_t wmax, int axis_len, bool rows) {
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t hi = std::min<std::int64_t>(wmax, axis_len);
      const int w = static_cast<int>(uniform_int(rng, std::min(wmin, hi), hi));
      const int start = static_cast<int>(uniform_int(rng, 0, axis_len - w));
      if (w == 0) continue;
      if (rows)
        out.rowRange(start, start + w).setTo(fill);
      else
        out.colRange(start, start + w).setTo(fill);
    }
  };
  mask(freq_masks_, freq_min_, freq_max_, s.feature.rows, true);
  mask(time_masks_, time_min_, time_max_, s.feature.cols, false);
  s.feature = out;
}

}  // namespace dflab
