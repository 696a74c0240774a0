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

// Keeps memory that tensors free inside the process (glibc malloc: no mmap for large blocks, no
// trimming) instead of handing it back to the kernel. Why: by default every block over the mmap
// threshold (at most 32 MB) is a fresh mapping, so each training or inference step page-faults its
// activations in again — on this project's VMs that was a quarter of python3-torch's CPU time and
// up to 4x its step time for meso4 at 256 px (reports/train_bench.md). The price: RSS stays at its
// peak instead of shrinking between steps. DFLAB_MALLOC=default in the environment turns it off.
// Call once, early in main(). Returns false when it was turned off or glibc refused.
bool keep_freed_memory_in_process();
TorchRuntime torch_runtime();

}  // namespace dflab
