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

namespace dflab::synth {

class SynthRng {
 public:
  explicit SynthRng(std::uint64_t seed) {
    for (auto& s : s_) s = splitmix(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }   // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int below(int n) { return static_cast<int>(uniform() * n); }                 // [0, n)
  double sign() { return uniform() < 0.5 ? -1.0 : 1.0; }
  double normal() {   // Box–Muller, one value per call
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// A stream per (seed, purpose, index): clips are independent of generation order and threads.
inline std::uint64_t derive_seed(std::uint64_t seed, const std::string& purpose, std::uint64_t index) {
  std::uint64_t h = 1469598103934665603ULL;   // FNV-1a over the purpose
  for (unsigned char c : purpose) h = (h ^ c) * 1099511628211ULL;
  std::uint64_t x = seed ^ h;
  SynthRng::splitmix(x);
  x ^= index * 0xd1b54a32d192ed03ULL;
  return SynthRng::splitmix(x);
}

}  // namespace dflab::synth
