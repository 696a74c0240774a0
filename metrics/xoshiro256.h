#pragma once
// The project's portable random numbers: splitmix64 and xoshiro256** (Blackman & Vigna 2018,
// ref: https://prng.di.unimi.it/xoshiro256starstar.c). Header-only and free of the standard
// library's distributions (whose results are implementation-defined), so a seed gives the same
// numbers everywhere: the bootstrap, the synthetic dataset generator and the training loader.
//
//   Xoshiro256 rng(42);  std::uint64_t k = rng.below(10);
//   std::uint64_t state = seed;  std::uint64_t h = splitmix64(state);   // advances state

#include <cstdint>

namespace dflab {

// One splitmix64 step: advances `state` and returns the mixed value.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna 2018, prng.di.unimi.it), seeded from one 64-bit value via
// splitmix64. Inline: the bootstrap draws n values per resample.
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed) {
    for (auto& s : s_) s = splitmix64(seed);
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
  // Uniform integer in [0, bound), bound >= 1, without modulo bias (Lemire, "Fast random integer
  // generation in an interval", ACM TOMACS 2019).
  std::uint64_t below(std::uint64_t bound) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace dflab
