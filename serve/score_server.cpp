#include "serve/score_server.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "experiments/runner.h"
#include "experiments/store/run_store.h"
#include "experiments/store/store_json.h"

namespace dflab {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(store::dump_json(body, -1) + "\n", "application/json");
}

void refuse(httplib::Response& res, int status, const std::string& why) { reply(res, status, {{"error", why}}); }

// A file name safe to create: letters, digits, '.', '-', '_' (others become '_'), no leading dot.
std::string safe_name(const std::string& name, const std::string& fallback) {
  std::string out;
  for (char c : fs::path(name).filename().string())
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  if (out.size() > 100) out = out.substr(out.size() - 100);
  return out.empty() ? fallback : out;
}

std::string extension_of(const std::string& content_type) {
  static const std::vector<std::pair<std::string, std::string>> known = {
      {"video/mp4", ".mp4"}, {"video/webm", ".webm"}, {"video/quicktime", ".mov"},
      {"video/x-msvideo", ".avi"}, {"video/x-matroska", ".mkv"}, {"video/x-m4v", ".m4v"}};
  for (const auto& [type, ext] : known)
    if (content_type.rfind(type, 0) == 0) return ext;
  return ".bin";   // libav probes the content; the extension is only for people reading logs
}

// `path` (relative ones start at `root`) with symlinks resolved lies under `root` (canonical).
std::optional<fs::path> inside(const fs::path& root, const std::string& path) {
  std::error_code ec;
  fs::path p = fs::path(path).is_absolute() ? fs::path(path) : root / path;
  p = fs::weakly_canonical(p, ec);
  if (ec) return std::nullopt;
  const fs::path rel = p.lexically_relative(root);
  if (rel.empty() || *rel.begin() == ".." || rel.is_absolute()) return std::nullopt;
  return p;
}

}  // namespace

struct ScoreServer::Impl {
  Registry& registry;
  ServeOptions opt;
  std::string run;
  fs::path allow_root;   // canonical --allow-dir; empty when paths are refused
  fs::path scratch;
  httplib::Server http;
  Clock::time_point started = Clock::now();

  // Workers: one RunPredictor each, handed to one request at a time.
  std::vector<std::unique_ptr<RunPredictor>> predictors;
  std::vector<bool> busy;
  std::mutex mutex;
  std::condition_variable freed;

  std::atomic<int> in_flight{0};
  std::atomic<long> scored{0}, failed{0}, uploads{0};

  Impl(Registry& r, const ServeOptions& o) : registry(r), opt(o) {
    if (opt.workers < 1) throw std::runtime_error("serve: workers must be at least 1");
    if (opt.queue_limit < 1) throw std::runtime_error("serve: queue limit must be at least 1");
    if (!opt.allow_dir.empty()) {
      std::error_code ec;
      allow_root = fs::canonical(opt.allow_dir, ec);
      if (ec || !fs::is_directory(allow_root)) throw std::runtime_error("--allow-dir " + opt.allow_dir + ": not a folder");
    }
    PredictRequest req;
    req.db = opt.db;
    req.run = opt.run;
    req.threads = opt.threads;
    for (int w = 0; w < opt.workers; ++w) predictors.push_back(std::make_unique<RunPredictor>(registry, req));
    busy.assign(predictors.size(), false);
    run = predictors.front()->run();
    scratch = opt.scratch_dir.empty() ? fs::temp_directory_path() / ("dflab-serve-" + std::to_string(::getpid())) : fs::path(opt.scratch_dir);
    fs::create_directories(scratch);
  }

  ~Impl() {
    std::error_code ec;
    if (opt.scratch_dir.empty()) fs::remove_all(scratch, ec);
  }

  // A free worker within timeout_s, or -1.
  int acquire() {
    std::unique_lock<std::mutex> lock(mutex);
    int got = -1;
    freed.wait_for(lock, std::chrono::seconds(opt.timeout_s), [&] {
      for (std::size_t i = 0; i < busy.size(); ++i)
        if (!busy[i]) {
          busy[i] = true;
          got = static_cast<int>(i);
          return true;
        }
      return false;
    });
    return got;
  }
  void release(int w) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      busy[static_cast<std::size_t>(w)] = false;
    }
    freed.notify_one();
  }

  void score(const httplib::Request& req, httplib::Response& res) {
    const auto t0 = Clock::now();
    // Counted from arrival: waiting and scoring requests both hold a place.
    struct Slot {
      std::atomic<int>& n;
      ~Slot() { --n; }
    } slot{in_flight};
    if (++in_flight > opt.queue_limit) {
      res.set_header("Retry-After", "1");
      return refuse(res, 503, "busy: " + std::to_string(opt.queue_limit) + " requests already queued or scoring (--queue)");
    }
    const std::string type = req.get_header_value("Content-Type");
    std::string video_path, display_name, work_dir;
    fs::path request_dir;
    struct Cleanup {
      fs::path dir;
      ~Cleanup() {
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
      }
    } cleanup;
    auto write_upload = [&](const std::string& bytes, const std::string& name) {
      request_dir = scratch / ("req-" + std::to_string(::getpid()) + "-" + std::to_string(++uploads));   // --scratch may be shared
      cleanup.dir = request_dir;
      fs::create_directories(request_dir);
      video_path = (request_dir / name).string();
      std::ofstream out(video_path, std::ios::binary);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!out.flush()) throw std::runtime_error("cannot store the upload in " + request_dir.string());
      display_name = name;
      work_dir = (request_dir / "work").string();
    };
    if (req.is_multipart_form_data()) {
      if (!req.has_file("file")) return refuse(res, 400, "multipart request without a 'file' field");
      const httplib::MultipartFormData f = req.get_file_value("file");
      if (f.content.empty()) return reply(res, 422, {{"error", "the uploaded file is empty (0 bytes)"}, {"status", "unreadable"}, {"score", nullptr}});
      write_upload(f.content, safe_name(f.filename, "upload" + extension_of(f.content_type)));
    } else if (type.rfind("application/json", 0) == 0) {
      json body;
      try {
        body = json::parse(req.body);
      } catch (const std::exception& e) {
        return refuse(res, 400, std::string("body is not JSON: ") + e.what());
      }
      if (!body.is_object() || !body.contains("path") || !body["path"].is_string())
        return refuse(res, 400, "JSON body needs {\"path\": \"...\"}");
      const std::string asked = body["path"].get<std::string>();
      if (allow_root.empty()) return refuse(res, 403, "this server scores no paths: start it with --allow-dir DIR");
      const std::optional<fs::path> p = inside(allow_root, asked);
      if (!p) return refuse(res, 403, asked + ": outside --allow-dir " + allow_root.string());
      video_path = p->string();
      display_name = p->filename().string();
    } else if (type.rfind("video/", 0) == 0 || type.rfind("application/octet-stream", 0) == 0) {
      if (req.body.empty()) return reply(res, 422, {{"error", "empty request body (0 bytes)"}, {"status", "unreadable"}, {"score", nullptr}});
      const std::string name = req.has_param("name") ? req.get_param_value("name") : "";
      write_upload(req.body, safe_name(name, "upload" + extension_of(type)));
    } else {
      return refuse(res, 415, "Content-Type '" + type + "': send video/* (raw body), multipart/form-data (field 'file') or application/json {\"path\"}");
    }

    const int w = acquire();
    if (w < 0) {
      res.set_header("Retry-After", "1");
      return refuse(res, 503, "no worker free within " + std::to_string(opt.timeout_s) + " s (--timeout)");
    }
    PredictOutcome out;
    try {
      out = predictors[static_cast<std::size_t>(w)]->predict({video_path}, work_dir);
    } catch (...) {
      release(w);
      throw;
    }
    release(w);
    const PredictedVideo& v = out.videos.at(0);
    json doc = {{"run", run}, {"video", display_name}, {"status", v.status_text()}};
    doc["faces"] = v.face_crops < 0 ? json(nullptr) : json{{"crops", v.face_crops}, {"detected", v.faces_detected}, {"status", v.video_prep}};
    doc["audio"] = v.audio_prep.empty() ? json(nullptr) : json{{"status", v.audio_prep}};
    doc["ms"] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    // A message names the file as the server stored it; the client knows it by its own name.
    std::string message = v.message;
    if (!request_dir.empty())
      for (std::size_t at; (at = message.find(video_path)) != std::string::npos;) message.replace(at, video_path.size(), display_name);
    if (v.score) {
      ++scored;
      doc["score"] = *v.score;
      if (!message.empty()) doc["message"] = message;
      return reply(res, 200, doc);
    }
    ++failed;
    doc["score"] = nullptr;
    doc["error"] = message.empty() ? "not scored" : message;
    reply(res, 422, doc);
  }

  void health(httplib::Response& res) {
    reply(res, 200, {{"status", "ok"}, {"run", run}, {"workers", opt.workers}, {"in_flight", in_flight.load()},
                     {"queue_limit", opt.queue_limit}, {"scored", scored.load()}, {"failed", failed.load()},
                     {"uptime_s", std::chrono::duration<double>(Clock::now() - started).count()}});
  }

  void runs(httplib::Response& res) {
    store::StoreOptions so;
    so.create = false;
    const store::RunStore s = store::RunStore::open(opt.db, so);
    json list = json::array();
    for (const store::RunSummary& r : s.list_runs()) list.push_back(store::to_json(r));
    reply(res, 200, {{"serving", run}, {"runs", list}});
  }
};

ScoreServer::ScoreServer(Registry& registry, const ServeOptions& options) : impl_(std::make_unique<Impl>(registry, options)) {
  Impl& s = *impl_;
  s.http.set_payload_max_length(s.opt.max_upload_bytes);
  s.http.set_read_timeout(s.opt.timeout_s, 0);
  s.http.set_write_timeout(s.opt.timeout_s, 0);
  // Enough threads to take every queued request and answer the ones over the limit at once.
  const std::size_t threads = static_cast<std::size_t>(s.opt.queue_limit) + 4;
  s.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.http.Post("/score", [&s](const httplib::Request& req, httplib::Response& res) { s.score(req, res); });
  s.http.Get("/health", [&s](const httplib::Request&, httplib::Response& res) { s.health(res); });
  s.http.Get("/runs", [&s](const httplib::Request&, httplib::Response& res) { s.runs(res); });
  s.http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    refuse(res, 500, what);
  });
  s.http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;   // a handler's own answer
    if (res.status == 413) return refuse(res, 413, "upload over the size limit (--max-upload-mb)");
    if (res.status == 404) return refuse(res, 404, req.method + " " + req.path + ": no such endpoint (POST /score, GET /health, GET /runs)");
    refuse(res, res.status, "HTTP " + std::to_string(res.status));
  });
  s.http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::cerr << req.method << " " << req.path << " " << res.status << "\n";
  });
}

ScoreServer::~ScoreServer() = default;

void ScoreServer::listen(const std::function<void(int port)>& on_listening) {
  Impl& s = *impl_;
  int port = s.opt.port;
  if (port == 0) port = s.http.bind_to_any_port(s.opt.host);
  else if (!s.http.bind_to_port(s.opt.host, port)) port = -1;
  if (port <= 0) throw std::runtime_error("serve: cannot listen on " + s.opt.host + ":" + std::to_string(s.opt.port) + " (in use, or not an address of this machine)");
  if (on_listening) on_listening(port);
  s.http.listen_after_bind();
}

void ScoreServer::stop() { impl_->http.stop(); }

const std::string& ScoreServer::run() const { return impl_->run; }

}  // namespace dflab
