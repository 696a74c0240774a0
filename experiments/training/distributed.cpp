#include "experiments/training/distributed.h"

#include <algorithm>
#include <cstdlib>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef DFLAB_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace dflab {

namespace {

std::optional<long long> env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  if (!*v || *end) throw std::invalid_argument(std::string(name) + " is '" + v + "', not a whole number");
  return n;
}

// The first line of a c10 / gloo message (the rest is a C++ backtrace).
std::string first_line(const std::exception& e) {
  const std::string m = e.what();
  return m.substr(0, m.find('\n'));
}

}  // namespace

std::optional<DistributedEnv> DistributedEnv::from_environment() {
  const auto rank = env_int("RANK"), world = env_int("WORLD_SIZE");
  if (!rank && !world) return std::nullopt;
  if (!rank || !world)
    throw std::invalid_argument(std::string(rank ? "WORLD_SIZE" : "RANK") + " is not set, while " +
                                (rank ? "RANK" : "WORLD_SIZE") + " is: set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT "
                                "(as torchrun does), or none of them");
  DistributedEnv e;
  if (*world < 1 || *world > 65536) throw std::invalid_argument("WORLD_SIZE " + std::to_string(*world) + " is not in 1..65536");
  if (*rank < 0 || *rank >= *world)
    throw std::invalid_argument("RANK " + std::to_string(*rank) + " is outside 0.." + std::to_string(*world - 1) +
                                " (WORLD_SIZE " + std::to_string(*world) + ")");
  e.rank = static_cast<int>(*rank);
  e.world_size = static_cast<int>(*world);
  e.local_rank = static_cast<int>(env_int("LOCAL_RANK").value_or(*rank));
  if (e.world_size > 1) {
    const char* addr = std::getenv("MASTER_ADDR");
    const auto port = env_int("MASTER_PORT");
    if (!addr || !*addr || !port)
      throw std::invalid_argument(std::string(!addr || !*addr ? "MASTER_ADDR" : "MASTER_PORT") +
                                  " is not set: rank 0's address and a free port, e.g. MASTER_ADDR=127.0.0.1 "
                                  "MASTER_PORT=29500");
    if (*port < 1 || *port > 65535) throw std::invalid_argument("MASTER_PORT " + std::to_string(*port) + " is not a port");
    e.master_addr = addr;
    e.master_port = static_cast<int>(*port);
  }
  return e;
}

bool nccl_available() {
#ifdef DFLAB_HAVE_NCCL
  return torch::cuda::is_available();
#else
  return false;
#endif
}

std::string resolve_backend(const std::string& requested) {
  if (requested == "auto") return nccl_available() ? "nccl" : "gloo";
  if (requested == "gloo") return requested;
  if (requested == "nccl") {
    if (nccl_available()) return requested;
#ifdef DFLAB_HAVE_NCCL
    throw std::invalid_argument("backend = \"nccl\": this libtorch has NCCL but no CUDA device is visible; use "
                                "backend = \"gloo\" (CPU) or run where a GPU is");
#else
    throw std::invalid_argument("backend = \"nccl\": this dflab was built against a libtorch without CUDA/NCCL "
                                "(Debian's CPU libtorch); use backend = \"gloo\" or \"auto\", or build against a CUDA "
                                "libtorch with -DTorch_DIR (README, Scaling out)");
#endif
  }
  throw std::invalid_argument("backend '" + requested + "' is not one of auto, gloo, nccl");
}

std::shared_ptr<DistributedGroup> DistributedGroup::join(const DistributedEnv& env, const DistributedOptions& options) {
  std::shared_ptr<DistributedGroup> g(new DistributedGroup());
  g->env_ = env;
  g->options_ = options;
  g->backend_ = resolve_backend(options.backend);
  const std::chrono::milliseconds join_timeout = std::max<std::chrono::milliseconds>(options.timeout, std::chrono::minutes(1));
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(env.master_port);
    so.isServer = env.rank == 0;
    so.numWorkers = static_cast<std::size_t>(env.world_size);
    so.waitWorkers = true;
    // Ranks start seconds apart on a loaded machine: joining waits at least a minute even when
    // collectives are given less.
    so.timeout = join_timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(env.master_addr, so);
    g->store_ = c10::make_intrusive<c10d::PrefixStore>("dflab", tcp);
    if (g->backend_ == "gloo") {
      auto o = c10d::ProcessGroupGloo::Options::create(options.timeout);
      // GLOO_SOCKET_IFNAME as torch reads it; a loopback master means a one-machine group.
      if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"))
        o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (env.master_addr.rfind("127.", 0) == 0 || env.master_addr == "localhost")
        o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      o->threads = 2;
      g->pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(g->store_, env.rank, env.world_size, o);
    } else {
#ifdef DFLAB_HAVE_NCCL
      auto o = c10d::ProcessGroupNCCL::Options::create();
      o->timeout = options.timeout;
      g->pg_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(g->store_, env.rank, env.world_size, o);
#endif
    }
  } catch (const std::exception& e) {
    throw DistributedError("rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) +
                           ": cannot join the process group at " + env.master_addr + ":" + std::to_string(env.master_port) +
                           " within " + std::to_string(join_timeout.count() / 1000) + " s (" + first_line(e) +
                           "); are all ranks started, with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE?");
  }
  return g;
}

DistributedGroup::~DistributedGroup() = default;

std::string DistributedGroup::describe() const {
  return "rank " + std::to_string(rank()) + " of " + std::to_string(world_size()) + " (" + backend_ + ")";
}

void DistributedGroup::fail(const std::string& what, const std::exception& e) const {
  throw DistributedError("distributed training, " + describe() + ": " + what + " failed: another rank died or did not "
                         "answer within " + std::to_string(options_.timeout.count() / 1000) + " s (" + first_line(e) + ")");
}

void DistributedGroup::broadcast(std::vector<torch::Tensor>& tensors, int root) {
  if (world_size() == 1) return;
  try {
    c10d::BroadcastOptions o;
    o.rootRank = root;
    // One tensor a call: c10d's broadcast takes several only as one per device.
    for (auto& t : tensors) {
      std::vector<torch::Tensor> one = {t};
      pg_->broadcast(one, o)->wait(options_.timeout);
    }
  } catch (const std::exception& e) {
    fail("broadcast", e);
  }
}

void DistributedGroup::all_reduce_sum(std::vector<torch::Tensor>& tensors) {
  if (world_size() == 1) return;
  try {
    std::vector<c10::intrusive_ptr<c10d::Work>> work;
    for (auto& t : tensors) {
      std::vector<torch::Tensor> one = {t};
      work.push_back(pg_->allreduce(one));
    }
    for (auto& w : work) w->wait(options_.timeout);
  } catch (const std::exception& e) {
    fail("all-reduce", e);
  }
}

torch::Tensor DistributedGroup::all_gather(const torch::Tensor& t) {
  if (world_size() == 1) return t.unsqueeze(0);
  try {
    std::vector<torch::Tensor> in = {t.contiguous()};
    std::vector<std::vector<torch::Tensor>> out(1);
    for (int r = 0; r < world_size(); ++r) out[0].push_back(torch::empty_like(in[0]));
    pg_->allgather(out, in)->wait(options_.timeout);
    return torch::stack(out[0]);
  } catch (const std::exception& e) {
    fail("all-gather", e);
  }
}

std::string DistributedGroup::broadcast_text(const std::string& text) {
  const std::string key = "text/" + std::to_string(sequence_++);
  if (world_size() == 1) return text;
  try {
    if (is_main()) {
      store_->set(key, std::vector<std::uint8_t>(text.begin(), text.end()));
      return text;
    }
    store_->wait({key}, options_.rendezvous_timeout);
    const std::vector<std::uint8_t> v = store_->get(key);
    return std::string(v.begin(), v.end());
  } catch (const std::exception& e) {
    throw DistributedError("distributed run, " + describe() + ": no word from rank 0 (" + first_line(e) +
                           "); rank 0 died or is stuck");
  }
}

void DistributedGroup::rendezvous(const std::string& name) {
  const std::string key = "rendezvous/" + name + "/" + std::to_string(sequence_++);
  if (world_size() == 1) return;
  try {
    store_->set(key + "/" + std::to_string(rank()), std::vector<std::uint8_t>{1});
    std::vector<std::string> keys;
    for (int r = 0; r < world_size(); ++r) keys.push_back(key + "/" + std::to_string(r));
    store_->wait(keys, options_.rendezvous_timeout);
  } catch (const std::exception& e) {
    throw DistributedError("distributed run, " + describe() + ": the other ranks did not reach '" + name + "' (" +
                           first_line(e) + "); one died or is stuck");
  }
}

GradientAverager::GradientAverager(DistributedGroup& group, std::vector<torch::Tensor> parameters, std::int64_t bucket_bytes)
    : group_(group) {
  for (auto& p : parameters)
    if (p.requires_grad()) params_.push_back(p);
  // Buckets in reverse order of registration, as torch DDP: the last layers' gradients are ready
  // first in backward (here all are ready, but the grouping keeps bucket sizes DDP-like).
  std::int64_t bytes = 0;
  for (std::size_t k = params_.size(); k-- > 0;) {
    if (buckets_.empty() || bytes >= bucket_bytes) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().push_back(k);
    bytes += params_[k].numel() * static_cast<std::int64_t>(params_[k].element_size());
  }
}

void GradientAverager::run(double weight) {
  if (group_.world_size() == 1) return;
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  // A parameter the loss does not reach has no gradient, on every rank alike (one graph): it
  // stays without one, and the optimiser skips it as in a single process.
  std::vector<std::vector<std::size_t>> used;
  std::vector<torch::Tensor> flat;
  for (const auto& b : buckets_) {
    std::vector<std::size_t> ks;
    std::vector<torch::Tensor> parts;
    for (std::size_t k : b)
      if (params_[k].grad().defined()) {
        ks.push_back(k);
        parts.push_back(params_[k].grad().reshape({-1}));
      }
    if (parts.empty()) continue;
    flat.push_back(torch::cat(parts).mul_(weight));
    used.push_back(std::move(ks));
  }
  group_.all_reduce_sum(flat);
  for (std::size_t i = 0; i < used.size(); ++i) {
    std::int64_t offset = 0;
    for (std::size_t k : used[i]) {
      const std::int64_t n = params_[k].numel();
      params_[k].mutable_grad().copy_(flat[i].narrow(0, offset, n).view_as(params_[k]));
      offset += n;
    }
  }
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace dflab
