#include "experiments/torch_runtime.h"

#include <torch/torch.h>
#include <ATen/Parallel.h>

#include <thread>

namespace dflab {

void set_torch_threads(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(n);
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
