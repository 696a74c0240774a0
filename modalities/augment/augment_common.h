#pragma once
// What every augmentation plugin shares (internal to modalities/augment): the p draw, the sample
// checks, portable random draws and [lo, hi] range parameters.
//
//   class Hflip : public BasicAugmentation {
//    public:
//     explicit Hflip(const Params& p) : BasicAugmentation("hflip", p, /*video=*/true, /*audio=*/false) {}
//    protected:
//     void augment(AugmentSample& s, const AugmentSample* partner, std::mt19937_64& rng) const override;
//   };
//
// BasicAugmentation::apply checks the sample (modality, non-empty, consistent shapes; throws
// std::invalid_argument naming the plugin), then draws u ~ U[0, 1) from rng (always, so the rng
// stream does not depend on p) and calls augment() only when u < p.
//
// Frames are cv::Mat headers that may share pixels with the caller's copies (or with each other):
// plugins never write into an input buffer, they build a new Mat and assign it to the frame.

#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "modalities/augment/augmentation.h"

namespace dflab {

class BasicAugmentation : public Augmentation {
 public:
  BasicAugmentation(std::string name, const Params& params, bool video, bool audio);
  bool applies_to(AugmentModality modality) const override;
  void apply(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const final;
  // augment() without the p draw, for plugins whose forges() is true; std::logic_error otherwise.
  void forge(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const final;
  double probability() const { return p_; }

 protected:
  // Called with a checked sample when the p draw fires. `partner` is null unless partner() is
  // not none and the loader gave one (then it has been checked against the sample's shape).
  virtual void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const = 0;
  const std::string& name() const { return name_; }

 private:
  void check(const AugmentSample& sample, const AugmentSample* partner) const;
  std::string name_;
  double p_;
  bool video_;
  bool audio_;
};

// Draws that give the same numbers with any standard library (std::uniform_*_distribution does not).
double uniform01(std::mt19937_64& rng);                                 // [0, 1)
double uniform(std::mt19937_64& rng, double lo, double hi);             // [lo, hi)
std::int64_t uniform_int(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi);   // [lo, hi]
double standard_normal(std::mt19937_64& rng);                           // Box–Muller
// Beta(a, a) as X / (X + Y), X, Y ~ Gamma(a, 1) (Marsaglia–Tsang; a < 1 boosted by U^(1/a)).
double beta_symmetric(std::mt19937_64& rng, double a);

// A two-element real list parameter [lo, hi] with lo <= hi; throws std::invalid_argument naming
// the plugin and the parameter's origin otherwise.
std::pair<double, double> range_param(const Params& params, const std::string& plugin, const std::string& name);

}  // namespace dflab
