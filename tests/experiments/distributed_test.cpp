// Data-parallel training on loopback (Gloo): ranks end with identical weights; 2 ranks x batch b
// equal 1 process x batch 2b; a rank that dies fails the others with a clear message, not a hang;
// resuming needs the world size that wrote the checkpoint. Each rank is a ddp_worker process.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "experiments/training/distributed.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

// A loopback port that was free a moment ago.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    ADD_FAILURE() << "no free port";
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct WorkerOutput {
  std::vector<std::string> epochs;                      // "epoch ..." lines
  std::map<std::string, std::vector<double>> tensors;   // final weights
  std::string best;
};

WorkerOutput read_output(const std::string& path) {
  WorkerOutput o;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    std::istringstream ss(line);
    std::string tag;
    ss >> tag;
    if (tag == "epoch") o.epochs.push_back(line);
    else if (tag == "best_epoch") o.best = line;
    else if (tag == "tensor") {
      std::string name;
      ss >> name;
      for (double v; ss >> v;) o.tensors[name].push_back(v);
    }
  }
  return o;
}

struct Proc {
  pid_t pid = -1;
  std::string err;   // stderr file
};

// Starts ddp_worker with `args` as rank `rank` of `world` (world 1: no environment at all).
Proc start(const std::vector<std::string>& args, int rank, int world, int port, const std::string& err,
           const std::string& fault = "") {
  Proc p;
  p.err = err;
  p.pid = ::fork();
  if (p.pid == 0) {
    if (!std::freopen(err.c_str(), "w", stderr)) ::_exit(126);
    if (world > 1) {
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(world).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
    }
    if (!fault.empty()) ::setenv("DFLAB_STOP_AT", fault.c_str(), 1);
    std::vector<std::string> a = {DDP_WORKER};
    a.insert(a.end(), args.begin(), args.end());
    std::vector<char*> c;
    for (auto& s : a) c.push_back(s.data());
    c.push_back(nullptr);
    ::execv(DDP_WORKER, c.data());
    ::_exit(127);
  }
  return p;
}

// Exit code, or -1 when it did not end within `limit` (then it is killed): a hang.
int finish(const Proc& p, std::chrono::seconds limit = std::chrono::seconds(120)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    if (::waitpid(p.pid, &status, WNOHANG) == p.pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(p.pid, SIGKILL);
  ::waitpid(p.pid, nullptr, 0);
  return -1;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Distributed : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dflab_ddp_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Runs `world` ranks of ddp_worker (batch per rank, epochs) and returns their exit codes.
  std::vector<int> run_ranks(int world, int batch, int epochs, const std::string& out, const std::string& ckpt,
                             const std::string& resume = "", std::map<int, std::string> faults = {}) {
    const int port = free_port();
    std::vector<Proc> procs;
    for (int r = 0; r < world; ++r)
      procs.push_back(start({out, ckpt, std::to_string(batch), std::to_string(epochs), resume.empty() ? "fresh" : resume, "5"},
                            r, world, port, out + ".err" + std::to_string(r), faults[r]));
    std::vector<int> codes;
    for (const Proc& p : procs) codes.push_back(finish(p));
    return codes;
  }
  fs::path dir_;
};

TEST_F(Distributed, TwoRanksEndEqualAndMatchOneProcessWithTwiceTheBatch) {
  const std::vector<int> two = run_ranks(2, 4, 2, path("two"), path("ckpt2"));
  ASSERT_EQ(two, (std::vector<int>{0, 0})) << slurp(path("two.err0")) << slurp(path("two.err1"));
  const std::vector<int> one = run_ranks(1, 8, 2, path("one"), path("ckpt1"));
  ASSERT_EQ(one, std::vector<int>{0}) << slurp(path("one.err0"));

  const WorkerOutput r0 = read_output(path("two.0")), r1 = read_output(path("two.1")), single = read_output(path("one.0"));
  ASSERT_EQ(r0.tensors.size(), 4u);   // two Linear layers: weight and bias each
  // Every rank applies the same averaged gradient: bit-identical weights, and the same
  // (gathered) validation numbers and best epoch.
  EXPECT_EQ(r0.tensors, r1.tensors);
  EXPECT_EQ(r0.epochs, r1.epochs);
  EXPECT_EQ(r0.best, r1.best);
  // Against one process with batch 8: same data order, same global batches; float sums in
  // another order differ in the last bits only.
  ASSERT_EQ(r0.tensors.size(), single.tensors.size());
  double max_diff = 0.0, max_abs = 0.0;
  for (const auto& [name, v] : single.tensors) {
    ASSERT_EQ(r0.tensors.at(name).size(), v.size()) << name;
    for (std::size_t i = 0; i < v.size(); ++i) {
      max_diff = std::max(max_diff, std::abs(r0.tensors.at(name)[i] - v[i]));
      max_abs = std::max(max_abs, std::abs(v[i]));
    }
  }
  EXPECT_LT(max_diff, 1e-5) << "largest weight " << max_abs;
  EXPECT_GT(max_abs, 0.01);
  ASSERT_EQ(single.epochs.size(), 2u);
  ASSERT_EQ(r0.epochs.size(), 2u);
  for (std::size_t e = 0; e < 2; ++e) {
    std::istringstream a(r0.epochs[e]), b(single.epochs[e]);
    std::string t;
    double la, lb, va, vb;
    std::size_t na, nb;
    a >> t >> t >> t >> la >> t >> va >> t >> na;
    b >> t >> t >> t >> lb >> t >> vb >> t >> nb;
    EXPECT_NEAR(la, lb, 1e-6) << "train loss, epoch " << e;
    EXPECT_NEAR(va, vb, 1e-6) << "val logloss, epoch " << e;
    EXPECT_EQ(na, nb);
    EXPECT_EQ(na, 48u);   // 24 videos x 2 windows: the global batch counts every sample once
  }
  // Rank 0 alone wrote the checkpoints.
  EXPECT_TRUE(fs::exists(path("ckpt2") + "/last.pt"));
  EXPECT_TRUE(fs::exists(path("ckpt2") + "/best.pt"));
}

// Largest |a - b| over every tensor of `b` (which `a` must hold with the same sizes), and where.
std::pair<double, std::string> max_difference(const WorkerOutput& a, const WorkerOutput& b) {
  std::pair<double, std::string> worst{0.0, ""};
  for (const auto& [name, v] : b.tensors) {
    EXPECT_EQ(a.tensors.count(name), 1u) << name;
    if (!a.tensors.count(name)) continue;
    EXPECT_EQ(a.tensors.at(name).size(), v.size()) << name;
    for (std::size_t i = 0; i < std::min(v.size(), a.tensors.at(name).size()); ++i)
      if (std::abs(a.tensors.at(name)[i] - v[i]) > worst.first) worst = {std::abs(a.tensors.at(name)[i] - v[i]), name};
  }
  return worst;
}

// With a batch norm in the model, sync_bn makes 2 ranks x batch 4 train as 1 process x batch 8:
// weights and running statistics agree; per-rank statistics (sync_bn off) do not.
TEST_F(Distributed, SyncBatchNormMakesTwoRanksTrainAsOneProcessWithTwiceTheBatch) {
  ::setenv("DDP_WORKER_BATCH_NORM", "sync", 1);
  const std::vector<int> synced = run_ranks(2, 4, 2, path("sync"), path("ckpt_sync"));
  const std::vector<int> one = run_ranks(1, 8, 2, path("one"), path("ckpt_one"));
  ::setenv("DDP_WORKER_BATCH_NORM", "local", 1);
  const std::vector<int> local = run_ranks(2, 4, 2, path("local"), path("ckpt_local"));
  ::unsetenv("DDP_WORKER_BATCH_NORM");
  ASSERT_EQ(synced, (std::vector<int>{0, 0})) << slurp(path("sync.err0")) << slurp(path("sync.err1"));
  ASSERT_EQ(one, std::vector<int>{0}) << slurp(path("one.err0"));
  ASSERT_EQ(local, (std::vector<int>{0, 0})) << slurp(path("local.err0"));

  const WorkerOutput s0 = read_output(path("sync.0")), s1 = read_output(path("sync.1"));
  const WorkerOutput single = read_output(path("one.0")), l0 = read_output(path("local.0"));
  ASSERT_EQ(single.tensors.size(), 8u);   // Linear weight; BN weight, bias; Linear weight, bias; BN mean, var, count
  ASSERT_TRUE(single.tensors.count("1.running_mean") && single.tensors.count("1.running_var")) << single.tensors.size();
  EXPECT_EQ(s0.tensors, s1.tensors);
  const auto synced_diff = max_difference(s0, single), local_diff = max_difference(l0, single);
  EXPECT_LT(synced_diff.first, 1e-5) << synced_diff.second;
  EXPECT_GT(local_diff.first, 1e-4) << "per-rank statistics should have trained another model";
  EXPECT_EQ(s0.epochs.size(), single.epochs.size());
  for (std::size_t e = 0; e < std::min(s0.epochs.size(), single.epochs.size()); ++e)
    EXPECT_EQ(s0.epochs[e].substr(0, 20), single.epochs[e].substr(0, 20)) << s0.epochs[e] << "\n" << single.epochs[e];
  EXPECT_EQ(s0.best, single.best);
}

TEST_F(Distributed, ADeadRankFailsTheOthersWithAClearMessage) {
  // Rank 1 is SIGKILLed after its second optimiser step, mid-epoch.
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<int> codes = run_ranks(2, 4, 3, path("kill"), path("ckpt"), "", {{1, "train_step:2"}});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(codes[0], -1) << "rank 0 hung after rank 1 died";
  EXPECT_EQ(codes[0], 1) << slurp(path("kill.err0"));
  EXPECT_EQ(codes[1], 128 + SIGKILL);
  const std::string err = slurp(path("kill.err0"));
  EXPECT_NE(err.find("rank 0 of 2 (gloo)"), std::string::npos) << err;
  EXPECT_NE(err.find("another rank died or did not answer within 5 s"), std::string::npos) << err;
  EXPECT_LT(seconds, 60.0);
}

TEST_F(Distributed, ResumeNeedsTheWorldSizeThatWroteTheCheckpoint) {
  ASSERT_EQ(run_ranks(2, 4, 1, path("a"), path("ckpt")), (std::vector<int>{0, 0})) << slurp(path("a.err0"));
  ASSERT_TRUE(fs::exists(path("ckpt") + "/last.pt"));
  EXPECT_EQ(run_ranks(1, 4, 2, path("b"), path("ckpt"), "resume"), std::vector<int>{1});
  const std::string err = slurp(path("b.err0"));
  EXPECT_NE(err.find("written by a run of 2 rank(s)"), std::string::npos) << err;
  EXPECT_NE(err.find("--nproc 2"), std::string::npos) << err;
  // With the same world size it continues from epoch 1 to 2.
  ASSERT_EQ(run_ranks(2, 4, 2, path("c"), path("ckpt"), "resume"), (std::vector<int>{0, 0})) << slurp(path("c.err0"));
  EXPECT_EQ(read_output(path("c.0")).epochs.size(), 2u);   // the first replayed from last.pt, the second trained
}

TEST(DistributedEnvTest, ReadsTorchrunVariablesAndNamesWhatIsWrong) {
  for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"}) ::unsetenv(v);
  EXPECT_FALSE(DistributedEnv::from_environment());
  ::setenv("RANK", "1", 1);
  EXPECT_THROW(DistributedEnv::from_environment(), std::invalid_argument);   // WORLD_SIZE missing
  ::setenv("WORLD_SIZE", "2", 1);
  try {
    DistributedEnv::from_environment();
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("MASTER_ADDR"), std::string::npos) << e.what();
  }
  ::setenv("MASTER_ADDR", "10.0.0.1", 1);
  ::setenv("MASTER_PORT", "29501", 1);
  const auto env = DistributedEnv::from_environment();
  ASSERT_TRUE(env);
  EXPECT_EQ(env->rank, 1);
  EXPECT_EQ(env->world_size, 2);
  EXPECT_EQ(env->local_rank, 1);
  EXPECT_EQ(env->master_port, 29501);
  ::setenv("RANK", "2", 1);
  EXPECT_THROW(DistributedEnv::from_environment(), std::invalid_argument);   // outside 0..1
  ::setenv("RANK", "x", 1);
  EXPECT_THROW(DistributedEnv::from_environment(), std::invalid_argument);
  for (const char* v : {"RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"}) ::unsetenv(v);
}

TEST(DistributedBackend, NcclWithoutCudaIsAClearError) {
  EXPECT_EQ(resolve_backend("gloo"), "gloo");
  if (nccl_available()) GTEST_SKIP() << "this libtorch has NCCL and a GPU";
  EXPECT_EQ(resolve_backend("auto"), "gloo");
  try {
    resolve_backend("nccl");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("without CUDA/NCCL"), std::string::npos) << e.what();
  }
  EXPECT_THROW(resolve_backend("mpi"), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
