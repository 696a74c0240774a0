#include "experiments/torch_runtime.h"

#include <torch/torch.h>
#include <ATen/Parallel.h>

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <thread>

namespace dflab {

void set_torch_threads(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(n);
}

bool keep_freed_memory_in_process() {
  const char* env = std::getenv("DFLAB_MALLOC");
  if (env && std::strcmp(env, "default") == 0) return false;
  // mmap_max 0: large blocks come from the heap too (a thread arena that cannot hold one falls back
  // to the main arena); trim threshold at its maximum: free never shrinks the heap.
  const bool no_mmap = mallopt(M_MMAP_MAX, 0) == 1;
  const bool no_trim = mallopt(M_TRIM_THRESHOLD, -1) == 1;   // -1: the largest size_t, as glibc reads it
  return no_mmap && no_trim;
}

TorchRuntime torch_runtime() {
  TorchRuntime r;
  r.version = TORCH_VERSION;
  r.intra_op_threads = at::get_num_threads();
  r.cuda_available = torch::cuda::is_available();
  r.cuda_devices = r.cuda_available ? static_cast<int>(torch::cuda::device_count()) : 0;
  r.parallel_info = at::get_parallel_info();
  return r;
}

}  // namespace dflab
