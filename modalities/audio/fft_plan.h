#pragma once
// FFTW (single precision) real-to-complex plans, made once per size and shared by every thread.
//
//   const RealFft& fft = RealFft::get(2048);     // planned on first use, then cached
//   FftwBuffer<float> in(2048);  FftwBuffer<fftwf_complex> out(1025);
//   fft.forward(in.data(), out.data());          // thread-safe: new-array execute
//
// FFTW's planner is not thread-safe, so plan creation sits behind one process-wide mutex; executing
// a plan on other arrays (fftwf_execute_dft_r2c) is. Buffers must come from FftwBuffer (fftwf_malloc)
// so they have the alignment the plan was made for.

#include <cstddef>
#include <memory>
#include <new>

#include <fftw3.h>

namespace dflab {

// RAII owner of an fftwf_malloc'd array of n elements (not initialised).
template <class T>
class FftwBuffer {
 public:
  explicit FftwBuffer(std::size_t n) : n_(n), p_(static_cast<T*>(fftwf_malloc(sizeof(T) * (n ? n : 1)))) {
    if (!p_) throw std::bad_alloc();
  }
  ~FftwBuffer() { fftwf_free(p_); }
  FftwBuffer(const FftwBuffer&) = delete;
  FftwBuffer& operator=(const FftwBuffer&) = delete;
  T* data() { return p_; }
  const T* data() const { return p_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return p_[i]; }

 private:
  std::size_t n_;
  T* p_;
};

class RealFft {
 public:
  // The cached plan for size n (n >= 1). Plans use FFTW_ESTIMATE, so every process computes the
  // same bits (FFTW_MEASURE's timed choice differs between processes).
  static const RealFft& get(int n);

  int size() const { return n_; }
  int n_bins() const { return n_ / 2 + 1; }
  // in: [n] real, out: [n/2 + 1] complex; both from FftwBuffer. `in` is not modified.
  void forward(float* in, fftwf_complex* out) const;

  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

 private:
  explicit RealFft(int n);
  int n_;
  fftwf_plan plan_ = nullptr;
};

}  // namespace dflab
