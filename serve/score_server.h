#pragma once
// `dflab serve`: a trained run behind HTTP, the FFDV "test API" (path in, score out).
//
//   ServeOptions o;  o.db = "runs/dflab.sqlite";  o.run = "demo/fusion-stacking";  o.port = 8080;
//   ScoreServer server(registry, o);          // opens the store, loads every model once
//   server.listen([](int port) { ... });      // blocks until stop()
//
// Endpoints:
//   POST /score  the video as the raw body (Content-Type video/* or application/octet-stream), as
//                the multipart/form-data field `file`, or {"path": "..."} (application/json) naming
//                a file under --allow-dir. 200 {score, status, faces, audio, ms, run, video} when
//                scored; 422 {error, status, score: null} when the video cannot be scored (never a
//                made-up score); 400 a malformed request; 403 a path outside --allow-dir (or no
//                --allow-dir); 413 a body over max_upload_bytes; 415 another content type;
//                503 when queue_limit requests are already in the server, or none of the workers
//                frees up within timeout_s.
//   GET /health  {status: "ok", run, workers, in_flight, queue_limit, scored, failed, uptime_s}
//   GET /runs    the store's runs (as `dflab runs --json`) and which one is served
// A request's video goes through RunPredictor (experiments/runner.h), the code `dflab predict`
// runs, so a score equals `dflab predict --run RUN FILE`'s. Uploads are written to a scratch
// folder with their own face/audio caches, removed after the answer; a --allow-dir path uses the
// experiment's caches as `dflab predict` does. Each worker owns one RunPredictor (its own models):
// a request waits for a free worker; socket reads and writes time out after timeout_s.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "registry/registry.h"

namespace dflab {

struct ServeOptions {
  std::string db, run;
  std::string host = "127.0.0.1";          // loopback unless told otherwise
  int port = 8080;                         // 0: any free port (listen() reports it)
  std::string allow_dir;                   // JSON {"path"} requests must name a file under it; "" refuses them
  std::size_t max_upload_bytes = 512u << 20;
  int timeout_s = 120;                     // socket read/write timeout, and the longest wait for a worker
  int queue_limit = 8;                     // /score requests in the server (waiting + scoring) before 503
  int workers = 1;                         // RunPredictors scoring in parallel
  int threads = 0;                         // CPU threads per predict (0: the experiment's setting)
  std::string scratch_dir;                 // uploads and their caches ("": the system temp folder)
};

class ScoreServer {
 public:
  // Throws std::runtime_error (naming the run, store or checkpoint) before listening.
  ScoreServer(Registry& registry, const ServeOptions& options);
  ~ScoreServer();
  // Binds and serves until stop(); `on_listening(port)` runs once bound. Throws std::runtime_error
  // when the address cannot be bound.
  void listen(const std::function<void(int port)>& on_listening);
  void stop();
  const std::string& run() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dflab
