#pragma once
// Data-parallel training across processes on PyTorch's own engine: a c10d process group (Gloo on
// CPU, NCCL on CUDA) joined the way torchrun and srun start ranks, from the environment.
//
//   std::optional<DistributedEnv> env = DistributedEnv::from_environment();   // RANK, WORLD_SIZE, ...
//   auto group = DistributedGroup::join(*env, {"auto", std::chrono::seconds(1800)});
//   trainer.distribute(group);        // trainer.h: sharded batches, averaged gradients
//
// Transport is c10d's: a TCPStore (served by rank 0 at MASTER_ADDR:MASTER_PORT) for the
// rendezvous and small messages, ProcessGroupGloo / ProcessGroupNCCL for tensors. Every
// collective has the group's timeout: a rank that dies makes the others fail at once (the
// connection closes) and one that hangs makes them fail after the timeout, with a
// DistributedError naming the rank and backend, instead of waiting for ever.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace c10d {
class ProcessGroup;
class Store;
}  // namespace c10d

namespace dflab {

// torchrun-style variables: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, LOCAL_RANK (default:
// RANK). nullopt when none of RANK / WORLD_SIZE is set; std::invalid_argument naming the variable
// when they are set but incomplete or out of range.
struct DistributedEnv {
  int rank = 0, world_size = 1, local_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  static std::optional<DistributedEnv> from_environment();
};

struct DistributedOptions {
  std::string backend = "auto";   // auto (nccl when CUDA and NCCL are there, else gloo) | gloo | nccl
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};   // per collective, as torch's default
  // Waits at rendezvous points where one rank may work alone for long (rank 0 predicting, fusing
  // and writing while the others wait for the next model): the store's waits, not collectives.
  std::chrono::milliseconds rendezvous_timeout{std::chrono::hours(24)};
};

// A collective failed: a rank died, or did not answer within the timeout.
class DistributedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True when this libtorch was built with NCCL (a CUDA build; Debian's CPU libtorch is not).
bool nccl_available();
// "auto" -> "nccl" or "gloo"; "nccl" without NCCL is an std::invalid_argument saying why.
std::string resolve_backend(const std::string& requested);

class DistributedGroup {
 public:
  // Connects to (rank 0: serves) the TCPStore and builds the process group. Throws
  // DistributedError when the rendezvous fails or times out.
  static std::shared_ptr<DistributedGroup> join(const DistributedEnv& env, const DistributedOptions& options);
  ~DistributedGroup();

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  int local_rank() const { return env_.local_rank; }
  bool is_main() const { return env_.rank == 0; }
  const std::string& backend() const { return backend_; }
  std::chrono::milliseconds timeout() const { return options_.timeout; }
  // "rank 1 of 2 (gloo)"
  std::string describe() const;

  // In place: every tensor takes rank `root`'s values.
  void broadcast(std::vector<torch::Tensor>& tensors, int root = 0);
  // In place: every tensor becomes the sum over ranks.
  void all_reduce_sum(std::vector<torch::Tensor>& tensors);
  // [world_size, ...]: every rank's `t` (same shape on every rank), in rank order.
  torch::Tensor all_gather(const torch::Tensor& t);
  // Rank 0's `text` on every rank (the others pass anything), through the store; waits up to the
  // rendezvous timeout (rank 0 may be busy alone before it sends).
  std::string broadcast_text(const std::string& text);
  // Every rank waits for all, through the store, up to the rendezvous timeout.
  void rendezvous(const std::string& name);

 private:
  DistributedGroup() = default;
  [[noreturn]] void fail(const std::string& what, const std::exception& e) const;
  DistributedEnv env_;
  DistributedOptions options_;
  std::string backend_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroup> pg_;
  std::uint64_t sequence_ = 0;   // names the store keys of successive broadcast_text / rendezvous calls
};

// Averages gradients over the ranks after backward, in flat buckets of about `bucket_bytes`
// (torch DDP's default is 25 MB): one all-reduce per bucket, all launched before any is waited
// for. With `weight` = this rank's share of the global batch (n_rank / n_global), the result is
// the gradient of the global batch's mean loss whatever the split, so 2 ranks x batch b equal
// 1 process x batch 2b.
class GradientAverager {
 public:
  GradientAverager(DistributedGroup& group, std::vector<torch::Tensor> parameters,
                   std::int64_t bucket_bytes = 25 * 1024 * 1024);
  void run(double weight);
  double seconds() const { return seconds_; }   // spent in run() so far
  std::size_t n_buckets() const { return buckets_.size(); }

 private:
  DistributedGroup& group_;
  std::vector<torch::Tensor> params_;
  std::vector<std::vector<std::size_t>> buckets_;   // indices into params_
  double seconds_ = 0.0;
};

}  // namespace dflab
