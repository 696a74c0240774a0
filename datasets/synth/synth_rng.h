#pragma once
// The generator's random numbers: SplitMix64 seeding + xoshiro256** with our own conversions to
// uniform/normal, so a seed gives the same dataset with every standard library (std::*_distribution
// results are implementation-defined). ref: https://prng.di.unimi.it/xoshiro256starstar.c
//
//   SynthRng rng(derive_seed(seed, "train", 7));
//   double u = rng.uniform(0.2, 0.8);   int k = rng.below(4);   double g = rng.normal();

#include <cmath>
#include <cstdint>
#include <string>

#include "metrics/xoshiro256.h"

namespace dflab::synth {

class SynthRng {
 public:
  explicit SynthRng(std::uint64_t seed) : gen_(seed) {}
  std::uint64_t next() { return gen_.next(); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }   // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int below(int n) { return static_cast<int>(uniform() * n); }                 // [0, n)
  double sign() { return uniform() < 0.5 ? -1.0 : 1.0; }
  double normal() {   // Box–Muller, one value per call
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  Xoshiro256 gen_;
};

// A stream per (seed, purpose, index): clips are independent of generation order and threads.
inline std::uint64_t derive_seed(std::uint64_t seed, const std::string& purpose, std::uint64_t index) {
  std::uint64_t h = 1469598103934665603ULL;   // FNV-1a over the purpose
  for (unsigned char c : purpose) h = (h ^ c) * 1099511628211ULL;
  std::uint64_t x = seed ^ h;
  splitmix64(x);
  x ^= index * 0xd1b54a32d192ed03ULL;
  return splitmix64(x);
}

}  // namespace dflab::synth
