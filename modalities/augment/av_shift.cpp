#include "modalities/augment/av_shift.h"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "modalities/augment/augment_common.h"

namespace dflab {

PluginInfo AvShift::info() {
  return {kind::augmentation,
          "av_shift",
          "audio-visual units out of sync: the audio window from other times of the video (or another real video); "
          "target fake",
          {probability_param(0.5),
           ParamSpec::integer("min_shift", 3, "smallest shift, in sampled frames (SyncNet: 3 frames and more are "
                              "out of sync)").range(1, kMaxShift),
           ParamSpec::integer("max_shift", 15, "largest shift, in sampled frames").range(1, kMaxShift),
           ParamSpec::real("other_clip", 0.0, "probability that the audio comes from another real video instead")
               .range(0.0, 1.0)}};
}

AvShift::AvShift(const Params& params)
    : p_(params.real("p")),
      min_shift_(static_cast<int>(params.integer("min_shift"))),
      max_shift_(static_cast<int>(params.integer("max_shift"))),
      other_clip_(params.real("other_clip")) {
  if (min_shift_ > max_shift_)
    throw std::invalid_argument((params.origin.empty() ? std::string("av_shift") : params.origin + ": av_shift") +
                                ": min_shift = " + std::to_string(min_shift_) + " is above max_shift = " +
                                std::to_string(max_shift_));
}

namespace {
void check(const AugmentSample& s, const AugmentSample* partner) {
  if (s.modality != AugmentModality::av)
    throw std::invalid_argument(std::string("augmentation av_shift does not apply to ") +
                                (s.modality == AugmentModality::video ? "video" : "audio") +
                                " samples (it takes audio-visual units)");
  if (s.frames.empty() || s.feature.empty())
    throw std::invalid_argument("augmentation av_shift: the unit has no mouths or no audio window");
  if (partner && (partner->modality != AugmentModality::av || partner->feature.size() != s.feature.size()))
    throw std::invalid_argument("augmentation av_shift partner: not an audio-visual unit of the same audio shape");
}
}  // namespace

void AvShift::apply(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const {
  check(sample, partner);
  if (uniform01(rng) >= p_) return;   // drawn always, so the stream does not depend on p
  shift(sample, partner, rng);
}

void AvShift::forge(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const {
  check(sample, partner);
  shift(sample, partner, rng);
}

void AvShift::shift(AugmentSample& s, const AugmentSample* partner, std::mt19937_64& rng) const {
  if (other_clip_ > 0.0 && uniform01(rng) < other_clip_ && partner != nullptr) {
    s.feature = partner->feature.clone();
    s.target = 1.0f;
    return;
  }
  const int n = static_cast<int>(s.audio_context.size()), c = s.audio_context_centre;
  if (c < 0 || c >= n)
    throw std::invalid_argument("augmentation av_shift: the unit carries no audio of other times (a training "
                                "source fills AugmentSample::audio_context)");
  std::vector<int> shifts;
  for (int d = -max_shift_; d <= max_shift_; ++d)
    if (std::abs(d) >= min_shift_ && c + d >= 0 && c + d < n) shifts.push_back(d);
  // A video too short for min_shift: any other time of it at least 2 frames away is still out of
  // sync; a video of one or two frames has none.
  if (shifts.empty())
    for (int d = -(n - 1); d < n; ++d)
      if (std::abs(d) >= 2 && c + d >= 0 && c + d < n) shifts.push_back(d);
  if (!shifts.empty()) {
    const int d = shifts[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<std::int64_t>(shifts.size()) - 1))];
    s.feature = s.audio_context[static_cast<std::size_t>(c + d)].clone();
  } else if (partner) {
    s.feature = partner->feature.clone();
  } else {
    throw std::runtime_error("augmentation av_shift: the unit's video has " + std::to_string(n) +
                             " sampled frame(s), too few to take its audio from another time");
  }
  s.target = 1.0f;
}

}  // namespace dflab
