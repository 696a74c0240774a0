#pragma once
// time_shift: move the feature's time axis by k ~ U{-m..m} frames, m = floor(max_shift * T);
// k > 0 moves the content later: out[:, t] = in[:, t - k].
// mode "circular": columns wrap around (np.roll along time); mode "pad": the columns shifted in
// are filled with the feature's minimum (the silence floor of a dB feature).
#include "modalities/augment/augment_common.h"

namespace dflab {

class TimeShift : public BasicAugmentation {
 public:
  explicit TimeShift(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  double max_shift_;
  std::string mode_;
};

}  // namespace dflab
