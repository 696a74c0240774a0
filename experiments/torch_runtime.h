#pragma once
// libtorch process settings, kept behind a small header so only this .cpp includes torch.
// Debian's libtorch starts with one intra-op thread; experiments set it from [experiment] threads.

#include <string>

namespace dflab {

struct TorchRuntime {
  std::string version;       // e.g. "1.13.1"
  int intra_op_threads = 0;
  bool cuda_available = false;
  int cuda_devices = 0;
  std::string parallel_info; // at::get_parallel_info(): OpenMP/MKL threads, ATen build flags
};

// n <= 0: use every hardware thread.
void set_torch_threads(int n);

TorchRuntime torch_runtime();

}  // namespace dflab
