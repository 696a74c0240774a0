// `dflab serve` on a free loopback port over the tiny experiment's fusion run: every way in
// (raw body, multipart `file`, JSON path under --allow-dir) gives `dflab predict`'s score for the
// same file; each refusal has its status code (400, 403, 404, 413, 415, 422, 503) and a reason;
// a slow client is dropped after --timeout; SIGTERM stops the server cleanly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/experiments/tiny_experiment.h"

namespace dflab {
namespace {

using namespace dflab::testing;
namespace fs = std::filesystem;
using nlohmann::json;

// A `dflab serve ARGS --port 0` child; the port is read from its "listening on" line.
class Server {
 public:
  Server(const std::string& args, const std::string& dir) : out_(dir + "/serve.out"), err_(dir + "/serve.err") {
    pid_ = ::fork();
    if (pid_ == 0) {
      if (!std::freopen(out_.c_str(), "w", stdout) || !std::freopen(err_.c_str(), "w", stderr)) ::_exit(126);
      const std::string cmd = "exec " + dflab_binary() + " serve --port 0 " + args;
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)");
    for (int i = 0; i < 1200 && port_ == 0; ++i) {   // model loading on a busy machine: up to 2 min
      std::smatch m;
      const std::string text = read_file(out_);
      if (std::regex_search(text, m, listening)) port_ = std::stoi(m[1]);
      else if (::waitpid(pid_, &status_, WNOHANG) == pid_) break;
      else std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~Server() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
    }
  }
  int port() const { return port_; }
  std::string log() const { return read_file(err_); }
  bool running() { return pid_ > 0 && ::waitpid(pid_, &status_, WNOHANG) == 0; }
  // SIGTERM, then the exit status (-1 when it had to be killed).
  int terminate() {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = 0;
};

json body_of(const httplib::Result& r) { return json::parse(r->body); }

class ServeCli : public ::testing::Test {
 protected:
  // One trained tiny experiment for every test of the suite (training is the slow part).
  static void SetUpTestSuite() {
    root_ = (fs::temp_directory_path() / ("dflab_serve_cli_" + std::to_string(::getpid()))).string();
    fs::remove_all(root_);
    fs::create_directories(root_ + "/exp");
    const std::string data = root_ + "/data";
    const auto synth = run_dflab("synth --out " + data + " --train 12 --val 8 --test 4 --seconds 1 --seed 3");
    ASSERT_EQ(synth.code, 0) << synth.err;
    std::ofstream(root_ + "/exp/exp.toml") << tiny_experiment_toml(data, 1);
    db_ = root_ + "/exp/runs.sqlite";
    const auto run = run_dflab("run " + root_ + "/exp/exp.toml");
    ASSERT_EQ(run.code, 0) << run.err;
    fs::create_directories(root_ + "/allowed");
    good_ = root_ + "/allowed/clip.mp4";
    fs::copy_file(data + "/testset/" + lines_of(read_file(data + "/prediction.csv"))[1], good_);
    const auto p = run_dflab("predict --db " + db_ + " --run tiny/fusion-mean --json " + good_);
    ASSERT_EQ(p.code, 0) << p.err;
    expected_ = json::parse(p.out)["scores"][0]["score"].get<double>();
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static std::string root_, db_, good_;
  static double expected_;
};
std::string ServeCli::root_, ServeCli::db_, ServeCli::good_;
double ServeCli::expected_ = -1.0;

TEST_F(ServeCli, EveryWayInGivesPredictsScoreAndEveryRefusalItsCode) {
  ASSERT_GE(expected_, 0.0);
  TempDir d;
  Server server("--db " + db_ + " --run tiny/fusion-mean --allow-dir " + root_ + "/allowed --max-upload-mb 1 --timeout 2", d.path());
  ASSERT_GT(server.port(), 0) << server.log();
  httplib::Client c("127.0.0.1", server.port());
  c.set_read_timeout(120, 0);
  const std::string video = read_file(good_);

  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(body_of(health)["run"], "tiny/fusion-mean");
  auto runs = c.Get("/runs");
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->status, 200);
  std::set<std::string> names;
  const json runs_doc = body_of(runs);
  for (const json& r : runs_doc["runs"]) names.insert(r["name"].get<std::string>());
  EXPECT_TRUE(names.count("video") && names.count("audio") && names.count("fusion-mean")) << runs->body;

  auto check_scored = [&](const httplib::Result& r, const std::string& how) {
    ASSERT_TRUE(r) << how;
    ASSERT_EQ(r->status, 200) << how << ": " << r->body;
    const json j = body_of(r);
    EXPECT_NEAR(j["score"].get<double>(), expected_, 1e-9) << how;
    EXPECT_EQ(j["status"], "ok") << how;
    EXPECT_GT(j["faces"]["crops"].get<int>(), 0) << how;   // the fusion has a video model ...
    EXPECT_EQ(j["audio"]["status"], "ok") << how;          // ... and an audio one
    EXPECT_GT(j["ms"].get<double>(), 0.0) << how;
  };
  check_scored(c.Post("/score", video, "video/mp4"), "raw body");
  httplib::MultipartFormDataItems form = {{"file", video, "my clip.mp4", "video/mp4"}};
  check_scored(c.Post("/score", form), "multipart");
  check_scored(c.Post("/score", json{{"path", good_}}.dump(), "application/json"), "JSON absolute path");
  check_scored(c.Post("/score", json{{"path", "clip.mp4"}}.dump(), "application/json"), "JSON relative path");

  auto expect_code = [&](const httplib::Result& r, int code, const std::string& why_contains) {
    ASSERT_TRUE(r) << code;
    EXPECT_EQ(r->status, code) << r->body;
    const json j = body_of(r);
    EXPECT_NE(j["error"].get<std::string>().find(why_contains), std::string::npos) << r->body;
    if (j.contains("score")) {
      EXPECT_TRUE(j["score"].is_null()) << r->body;   // never a made-up score
    }
  };
  expect_code(c.Post("/score", std::string("this is not a video\n"), "video/mp4"), 422, "upload");
  expect_code(c.Post("/score", std::string(), "video/mp4"), 422, "empty");
  httplib::MultipartFormDataItems no_file = {{"other", video, "clip.mp4", "video/mp4"}};
  expect_code(c.Post("/score", no_file), 400, "'file'");
  expect_code(c.Post("/score", std::string("{\"path\": 3}"), "application/json"), 400, "path");
  expect_code(c.Post("/score", std::string("{not json"), "application/json"), 400, "not JSON");
  expect_code(c.Post("/score", json{{"path", root_ + "/exp/exp.toml"}}.dump(), "application/json"), 403, "outside");
  expect_code(c.Post("/score", json{{"path", "../exp/exp.toml"}}.dump(), "application/json"), 403, "outside");
  fs::create_symlink(root_ + "/exp/exp.toml", root_ + "/allowed/link.mp4");
  expect_code(c.Post("/score", json{{"path", "link.mp4"}}.dump(), "application/json"), 403, "outside");
  expect_code(c.Post("/score", json{{"path", "missing.mp4"}}.dump(), "application/json"), 422, "no such file");
  expect_code(c.Post("/score", std::string("x"), "text/plain"), 415, "Content-Type");
  expect_code(c.Post("/score", std::string(2u << 20, 'x'), "video/mp4"), 413, "size limit");
  expect_code(c.Get("/nope"), 404, "no such endpoint");

  // A client that stops sending mid-request is dropped after --timeout (2 s), not waited for.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string partial = "POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\nContent-Length: 1000\r\n\r\nabc";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  timeval tv{20, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const auto t0 = std::chrono::steady_clock::now();
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);   // 0: closed; or an error answer
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(fd);
  EXPECT_GE(n, 0);
  EXPECT_LT(waited, 15.0);

  EXPECT_EQ(body_of(c.Get("/health"))["scored"], 4);
  EXPECT_EQ(server.terminate(), 0) << server.log();
}

TEST_F(ServeCli, RequestsOverTheQueueLimitGet503AndNoneIsLost) {
  ASSERT_GE(expected_, 0.0);
  TempDir d;
  // No --allow-dir: paths are refused. One worker, one place: concurrent uploads beyond it get 503.
  Server server("--db " + db_ + " --run tiny/video --queue 1 --workers 1", d.path());
  ASSERT_GT(server.port(), 0) << server.log();
  {
    httplib::Client c("127.0.0.1", server.port());
    auto r = c.Post("/score", json{{"path", good_}}.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << r->body;
    EXPECT_NE(r->body.find("--allow-dir"), std::string::npos) << r->body;
  }
  const std::string video = read_file(good_);
  constexpr int n = 8;
  std::vector<int> codes(n, 0);
  std::vector<std::string> retry(n);
  std::atomic<int> ready{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < n; ++i)
    clients.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", server.port());
      c.set_read_timeout(120, 0);
      ++ready;
      while (ready < n) std::this_thread::yield();   // all at once
      auto r = c.Post("/score", video, "video/mp4");
      if (r) {
        codes[i] = r->status;
        retry[i] = r->get_header_value("Retry-After");
      }
    });
  for (auto& t : clients) t.join();
  int ok = 0, busy = 0;
  for (int i = 0; i < n; ++i) {
    if (codes[i] == 200) ++ok;
    if (codes[i] == 503) {
      ++busy;
      EXPECT_EQ(retry[i], "1");
    }
  }
  EXPECT_EQ(ok + busy, n);   // every request answered, once, with a score or a 503
  EXPECT_GE(ok, 1);
  EXPECT_GE(busy, 1);
  httplib::Client c("127.0.0.1", server.port());
  EXPECT_EQ(body_of(c.Get("/health"))["scored"], ok);
  EXPECT_EQ(server.terminate(), 0) << server.log();
}

}  // namespace
}  // namespace dflab
