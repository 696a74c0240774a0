#include "modalities/audio/fft_plan.h"

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

namespace dflab {

namespace {
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

RealFft::RealFft(int n) : n_(n) {
  // Called with planner_mutex() held.
  FftwBuffer<float> in(static_cast<std::size_t>(n));
  FftwBuffer<fftwf_complex> out(static_cast<std::size_t>(n / 2 + 1));
  // FFTW_ESTIMATE, not FFTW_MEASURE: MEASURE times candidate algorithms in each process and two
  // processes may pick different ones, so the same clip gave features differing in the last bits
  // (7 of the 10 FFDV samples' cached mel files differed between a 1-shard and a 2-shard extract).
  // A heuristic plan is the same in every process: features, caches and results are reproducible.
  plan_ = fftwf_plan_dft_r2c_1d(n, in.data(), out.data(), FFTW_ESTIMATE | FFTW_PRESERVE_INPUT);
  if (!plan_) throw std::runtime_error("FFTW could not plan a real FFT of size " + std::to_string(n));
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  fftwf_destroy_plan(plan_);
}

const RealFft& RealFft::get(int n) {
  if (n < 1) throw std::invalid_argument("RealFft: size must be >= 1, got " + std::to_string(n));
  std::lock_guard<std::mutex> lock(planner_mutex());
  // Never freed before exit: plans live as long as the process (like FFTW's own wisdom).
  static auto* cache = new std::map<int, std::unique_ptr<RealFft>>();
  auto it = cache->find(n);
  if (it == cache->end()) it = cache->emplace(n, std::unique_ptr<RealFft>(new RealFft(n))).first;
  return *it->second;
}

void RealFft::forward(float* in, fftwf_complex* out) const {
  if (fftwf_alignment_of(in) != 0 || fftwf_alignment_of(reinterpret_cast<float*>(out)) != 0)
    throw std::invalid_argument("RealFft::forward: buffers must come from FftwBuffer (alignment)");
  fftwf_execute_dft_r2c(plan_, in, out);
}

}  // namespace dflab
