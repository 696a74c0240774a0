// dflab serve --run RUN [--db DB] [--host 127.0.0.1] [--port 8080] [--allow-dir DIR] ...:
// the trained run behind HTTP (serve/score_server.h): POST /score, GET /health, GET /runs.
// Prints "listening on http://HOST:PORT" on stdout once bound; SIGINT / SIGTERM stop it (exit 0).
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "experiments/store/run_store.h"
#include "registry/interrupt.h"
#include "serve/score_server.h"

namespace dflab::cli {

namespace {

int run_serve(Context& ctx, ServeOptions o, int max_upload_mb) {
  o.db = o.db.empty() ? store::default_db_path() : o.db;
  o.max_upload_bytes = static_cast<std::size_t>(max_upload_mb) << 20;
  if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1")
    warn("listening on " + o.host + ": other machines can reach this server; it has no authentication");
  std::cerr << "loading " << o.run << " from " << o.db << "\n";
  ScoreServer server(ctx.registry(), o);
  // Ctrl-C / SIGTERM set main.cpp's interrupt flag (registry/interrupt.h); a watcher stops the server.
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done && !interrupt_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!done) server.stop();
  });
  auto finish = [&] {
    done = true;
    watcher.join();
  };
  try {
    server.listen([&](int port) {
      std::cout << "listening on http://" << o.host << ":" << port << " (run " << server.run() << ")" << std::endl;
    });
  } catch (...) {
    finish();
    throw;
  }
  finish();
  std::cerr << "stopped\n";
  return exit_ok;
}

}  // namespace

void add_serve_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("serve", command_description("serve"));
  auto o = std::make_shared<ServeOptions>();
  auto max_upload_mb = std::make_shared<int>(512);
  cmd->add_option("--run", o->run, "Run: experiment/run, an id, or a unique run name (see `dflab runs`)")->required();
  cmd->add_option("--db", o->db, "Run database (default: $DFLAB_DB, else runs/dflab.sqlite)");
  cmd->add_option("--host", o->host, "Address to listen on (loopback by default; 0.0.0.0 opens it to the network)")->capture_default_str();
  cmd->add_option("--port", o->port, "Port (0: any free port, printed on stdout)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--allow-dir", o->allow_dir, "Folder whose files POST /score {\"path\": ...} may name (none: paths are refused)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--max-upload-mb", *max_upload_mb, "Largest request body in MiB (413 above)")->capture_default_str()->check(CLI::Range(1, 1 << 14));
  cmd->add_option("--timeout", o->timeout_s, "Seconds: socket read/write timeout and the longest wait for a free worker (503)")->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--queue", o->queue_limit, "Score requests held at once (waiting + scoring); more get 503")->capture_default_str()->check(CLI::Range(1, 1024));
  cmd->add_option("--workers", o->workers, "Requests scored in parallel, each with its own copy of the models")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--threads", o->threads, "CPU threads per request (0: the experiment's setting)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_option("--scratch", o->scratch_dir, "Folder for uploads and their caches (default: a temp folder removed at exit)");
  cmd->footer(
      "Example: dflab serve --db demo/runs.sqlite --run demo/fusion-stacking --port 8080\n"
      "  curl --data-binary @clip.mp4 -H 'Content-Type: video/mp4' http://127.0.0.1:8080/score\n"
      "  curl -F file=@clip.mp4 http://127.0.0.1:8080/score\n"
      "  curl -d '{\"path\": \"clip.mp4\"}' -H 'Content-Type: application/json' http://127.0.0.1:8080/score   (needs --allow-dir)");
  cmd->callback([&ctx, o, max_upload_mb] { ctx.action = [&ctx, o, max_upload_mb] { return run_serve(ctx, *o, *max_upload_mb); }; });
}

}  // namespace dflab::cli
