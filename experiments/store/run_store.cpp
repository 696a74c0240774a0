#include "experiments/store/run_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "experiments/store/schema.h"

namespace dflab::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

std::string this_host() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

// True when `pid` names a live process on this host. A zombie (exited, not yet reaped) is dead.
bool process_alive(std::int64_t pid) {
  if (pid <= 0) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content;
  if (stat && std::getline(stat, content)) {
    // "pid (comm) S ...": the state follows the last ')', since comm may hold spaces or ')'.
    auto close = content.rfind(')');
    if (close != std::string::npos && close + 2 < content.size() && content[close + 2] == 'Z') return false;
  }
  return true;
}

void check_name(const std::string& what, const std::string& name) {
  if (name.empty()) throw StoreError(what + " name must not be empty");
}

// Columns of RunSummary, in the order read_summary expects.
constexpr const char* k_summary_columns =
    "r.id, r.experiment_id, e.name, r.name, r.plugin, r.modality, r.kind, r.status, r.started, "
    "r.finished, (julianday(r.finished) - julianday(r.started)) * 86400.0, r.host, r.pid, r.version, "
    "r.seed";
constexpr int k_summary_n_columns = 15;

RunSummary read_summary(const Statement& st, int first = 0) {
  RunSummary s;
  int c = first;
  s.id = st.int64_at(c++);
  s.experiment_id = st.int64_at(c++);
  s.experiment = st.text_at(c++);
  s.name = st.text_at(c++);
  s.plugin = st.text_at(c++);
  s.modality = st.text_at(c++);
  s.kind = parse_run_kind(st.text_at(c++));
  s.status = parse_run_status(st.text_at(c++));
  s.started = st.text_at(c++);
  s.finished = st.optional_text_at(c++);
  s.duration_s = st.optional_double_at(c++);
  s.host = st.text_at(c++);
  s.pid = st.optional_int64_at(c++);
  s.version = st.text_at(c++);
  s.seed = st.optional_int64_at(c++);
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// PRAGMA journal_mode=WAL needs a brief exclusive lock; two processes creating the same file at
// once can see SQLITE_BUSY here without the busy handler being consulted, so retry until the
// timeout.
void enable_wal(Database& db, int busy_timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  for (;;) {
    try {
      db.query_text("PRAGMA journal_mode=WAL");
      return;
    } catch (const StoreError& e) {
      if ((e.sqlite_code() & 0xff) != SQLITE_BUSY && (e.sqlite_code() & 0xff) != SQLITE_LOCKED) throw;
      if (std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

}  // namespace

std::string to_string(RunKind kind) {
  switch (kind) {
    case RunKind::model: return "model";
    case RunKind::fusion: return "fusion";
    case RunKind::external: return "external";
  }
  return "model";
}

std::string to_string(RunStatus status) {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::finished: return "finished";
    case RunStatus::failed: return "failed";
    case RunStatus::interrupted: return "interrupted";
  }
  return "running";
}

RunKind parse_run_kind(const std::string& text) {
  if (text == "model") return RunKind::model;
  if (text == "fusion") return RunKind::fusion;
  if (text == "external") return RunKind::external;
  throw StoreError("unknown run kind '" + text + "' (kinds: model, fusion, external)");
}

RunStatus parse_run_status(const std::string& text) {
  if (text == "running") return RunStatus::running;
  if (text == "finished") return RunStatus::finished;
  if (text == "failed") return RunStatus::failed;
  if (text == "interrupted") return RunStatus::interrupted;
  throw StoreError("unknown run status '" + text + "' (statuses: running, finished, failed, interrupted)");
}

bool lower_is_better(const std::string& metric) {
  static const char* const lower[] = {"logloss", "log_loss", "eer", "loss", "brier", "mse", "mae", "fpr"};
  for (const char* m : lower)
    if (metric == m) return true;
  return ends_with(metric, "_loss") || ends_with(metric, "_error") || ends_with(metric, "_eer") ||
         metric.rfind("fpr_", 0) == 0;   // fpr_at_tpr, ... (but tpr_at_fpr ranks descending)
}

std::string default_db_path() {
  const char* env = std::getenv("DFLAB_DB");
  if (env && *env) return env;
  return "runs/dflab.sqlite";
}

// --- open -------------------------------------------------------------------------------------

RunStore RunStore::open(const std::string& path, const StoreOptions& options) {
  if (path.empty()) throw StoreError("run database path is empty");
  int flags = SQLITE_OPEN_READWRITE;
  std::error_code ec;
  if (options.create) {
    flags |= SQLITE_OPEN_CREATE;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
      fs::create_directories(parent, ec);
      if (ec) throw StoreError(path + ": cannot create folder '" + parent.string() + "': " + ec.message());
    }
  } else if (!fs::exists(path, ec)) {
    throw StoreError("no run database at '" + path +
                     "' (pass --db FILE or set DFLAB_DB; `dflab run` creates it)");
  }
  if (fs::is_directory(path, ec)) throw StoreError(path + ": is a folder, not a run database file");
  // SQLite takes an existing empty file as an empty database and would write a schema into it:
  // an empty file named by mistake (a truncated copy, `touch`, a typo'd --db) is refused instead.
  // A store another process is creating right now is empty only for an instant: wait that out.
  if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == 0 && !ec) {
    for (int i = 0; i < 20 && fs::file_size(path, ec) == 0 && !ec; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (fs::file_size(path, ec) == 0 && !ec)
      throw StoreError(path + ": not a dflab database (the file is empty); remove it or name another file, "
                              "and a new store is created there");
  }

  Database db(path, flags);
  db.set_busy_timeout(options.busy_timeout_ms);
  try {
    // The first read of the file: a non-database file fails here with SQLITE_NOTADB.
    db.query_text("SELECT count(*) FROM sqlite_master");
  } catch (const StoreError& e) {
    if ((e.sqlite_code() & 0xff) == SQLITE_NOTADB)
      throw StoreError(path + ": not an SQLite database (file is not a database)", e.sqlite_code());
    throw;
  }
  db.exec("PRAGMA foreign_keys = ON");
  enable_wal(db, options.busy_timeout_ms);
  db.exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  migrate(db);
  return RunStore(std::move(db));
}

int RunStore::schema_version() const { return store::schema_version(db_); }

// --- writing ----------------------------------------------------------------------------------

ExperimentId RunStore::experiment(const std::string& name) {
  check_name("experiment", name);
  if (name.find('/') != std::string::npos)
    throw StoreError("experiment name '" + name + "' must not contain '/' (runs are named experiment/run)");
  Transaction tx(db_);
  db_.prepare("INSERT INTO experiments(name) VALUES (?) ON CONFLICT(name) DO NOTHING").bind_all(name).run();
  Statement q = db_.prepare("SELECT id FROM experiments WHERE name = ?");
  q.bind_all(name);
  q.step();
  const ExperimentId id = q.int64_at(0);
  q.reset();
  tx.commit();
  return id;
}

RunId RunStore::begin_run(const NewRun& run) {
  check_name("run", run.name);
  Transaction tx(db_);
  {
    Statement e = db_.prepare("SELECT 1 FROM experiments WHERE id = ?");
    e.bind_all(run.experiment_id);
    if (!e.step()) throw StoreError(path() + ": no experiment with id " + std::to_string(run.experiment_id));
  }
  db_.prepare(std::string("INSERT INTO runs(experiment_id, name, plugin, modality, kind, config_toml, "
                          "status, started, host, pid, version, seed) "
                          "VALUES (?, ?, ?, ?, ?, ?, 'running', ") + k_now + ", ?, ?, ?, ?)")
      .bind_all(run.experiment_id, run.name, run.plugin, run.modality, to_string(run.kind), run.config_toml,
                run.host.empty() ? this_host() : run.host,
                run.pid != 0 ? run.pid : static_cast<std::int64_t>(getpid()), run.version, run.seed)
      .run();
  const RunId id = db_.last_insert_rowid();
  tx.commit();
  return id;
}

void RunStore::require_run(RunId run) const {
  Statement st = db_.prepare("SELECT 1 FROM runs WHERE id = ?");
  st.bind_all(run);
  if (!st.step()) throw StoreError(path() + ": no run with id " + std::to_string(run));
}

void RunStore::resume_run(RunId run) {
  Transaction tx(db_);
  require_run(run);
  db_.prepare("UPDATE runs SET status = 'running', finished = NULL, host = ?, pid = ? WHERE id = ?")
      .bind_all(this_host(), static_cast<std::int64_t>(getpid()), run)
      .run();
  tx.commit();
}

void RunStore::log_params(RunId run, const std::vector<std::pair<std::string, std::string>>& params) {
  Transaction tx(db_);
  require_run(run);
  Statement st = db_.prepare(
      "INSERT INTO params(run_id, key, value) VALUES (?, ?, ?) "
      "ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value");
  for (const auto& [key, value] : params) {
    check_name("param", key);
    st.bind_all(run, key, value).run();
  }
  tx.commit();
}

void RunStore::log_epoch_metrics(RunId run, int epoch, const std::vector<EpochMetric>& values) {
  Transaction tx(db_);
  require_run(run);
  Statement st = db_.prepare(
      "INSERT INTO epoch_metrics(run_id, epoch, split, name, value) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT(run_id, epoch, split, name) DO UPDATE SET value = excluded.value");
  for (const EpochMetric& m : values) {
    check_name("metric", m.name);
    st.bind_all(run, epoch, m.split, m.name, m.value).run();
  }
  tx.commit();
}

void RunStore::log_metrics(RunId run, const std::string& split, const std::vector<Metric>& values,
                           const std::string& source) {
  check_name("split", split);
  Transaction tx(db_);
  require_run(run);
  Statement st = db_.prepare(
      "INSERT INTO metrics(run_id, split, name, value, note, source) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(run_id, split, source, name) DO UPDATE SET value = excluded.value, note = excluded.note");
  for (const Metric& m : values) {
    check_name("metric", m.name);
    st.bind_all(run, split, m.name, m.value, m.note, source).run();
  }
  tx.commit();
}

void RunStore::log_predictions(RunId run, const std::string& split, const std::vector<Prediction>& predictions) {
  check_name("split", split);
  Transaction tx(db_);
  require_run(run);
  Statement st = db_.prepare(
      "INSERT INTO predictions(run_id, split, video, label, score) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT(run_id, split, video) DO UPDATE SET label = excluded.label, score = excluded.score");
  for (const Prediction& p : predictions) {
    check_name("video", p.video);
    if (p.label && *p.label != 0 && *p.label != 1)
      throw StoreError("prediction for '" + p.video + "': label " + std::to_string(*p.label) +
                       " is not 0 (real) or 1 (fake)");
    st.bind_all(run, split, p.video, p.label, p.score).run();
  }
  tx.commit();
}

void RunStore::add_artifact(RunId run, const std::string& kind, const std::string& artifact_path, const std::string& sha256) {
  check_name("artifact kind", kind);
  check_name("artifact path", artifact_path);
  Transaction tx(db_);
  require_run(run);
  db_.prepare("INSERT INTO artifacts(run_id, kind, path, sha256) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (run_id, kind, path) DO UPDATE SET sha256 = excluded.sha256")
      .bind_all(run, kind, artifact_path, sha256)
      .run();
  tx.commit();
}

void RunStore::log_videos(ExperimentId experiment, const std::vector<VideoRecord>& videos) {
  Transaction tx(db_);
  {
    Statement e = db_.prepare("SELECT 1 FROM experiments WHERE id = ?");
    e.bind_all(experiment);
    if (!e.step()) throw StoreError(path() + ": no experiment with id " + std::to_string(experiment));
  }
  Statement st = db_.prepare(std::string(
      "INSERT INTO videos(experiment_id, split, video, label, video_status, video_message, audio_status, "
      "audio_message, thumbnail, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(experiment_id, split, video) DO UPDATE SET label = excluded.label, "
      "video_status = excluded.video_status, video_message = excluded.video_message, "
      "audio_status = excluded.audio_status, audio_message = excluded.audio_message, "
      "thumbnail = excluded.thumbnail, source = excluded.source, updated = ") + k_now);
  for (const VideoRecord& v : videos) {
    check_name("video", v.video);
    if (v.label && *v.label != 0 && *v.label != 1)
      throw StoreError("video '" + v.video + "': label " + std::to_string(*v.label) +
                       " is not 0 (real) or 1 (fake)");
    st.bind_all(experiment, v.split, v.video, v.label, v.video_status, v.video_message, v.audio_status,
                v.audio_message, v.thumbnail, v.source)
        .run();
  }
  tx.commit();
}

void RunStore::finish_run(RunId run, RunStatus status) {
  if (status == RunStatus::running) throw StoreError("finish_run: the final status cannot be 'running'");
  Transaction tx(db_);
  require_run(run);
  db_.prepare(std::string("UPDATE runs SET status = ?, finished = ") + k_now + " WHERE id = ?")
      .bind_all(to_string(status), run)
      .run();
  tx.commit();
}

std::vector<RunId> RunStore::mark_interrupted_runs() {
  const std::string host = this_host();
  Transaction tx(db_);
  std::vector<RunId> dead;
  {
    Statement st = db_.prepare("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?");
    st.bind_all(host);
    while (st.step()) {
      const auto pid = st.optional_int64_at(1);
      if (pid && *pid == static_cast<std::int64_t>(getpid())) continue;   // ours, alive
      if (!pid || !process_alive(*pid)) dead.push_back(st.int64_at(0));
    }
  }
  Statement upd = db_.prepare(std::string("UPDATE runs SET status = 'interrupted', finished = ") + k_now +
                              " WHERE id = ? AND status = 'running'");
  for (RunId id : dead) upd.bind_all(id).run();
  tx.commit();
  return dead;
}

// --- reading ----------------------------------------------------------------------------------

std::vector<Experiment> RunStore::experiments() const {
  std::vector<Experiment> out;
  Statement st = db_.prepare("SELECT id, name, created FROM experiments ORDER BY name");
  while (st.step()) out.push_back({st.int64_at(0), st.text_at(1), st.text_at(2)});
  return out;
}

std::optional<ExperimentId> RunStore::find_experiment(const std::string& name) const {
  Statement st = db_.prepare("SELECT id FROM experiments WHERE name = ?");
  st.bind_all(name);
  if (!st.step()) return std::nullopt;
  return st.int64_at(0);
}

ExperimentId RunStore::require_experiment(const std::string& name) const {
  if (const auto id = find_experiment(name)) return *id;
  std::string names;
  for (const auto& e : experiments()) names += (names.empty() ? "" : ", ") + e.name;
  throw StoreError(path() + ": no experiment '" + name + "' (experiments: " +
                   (names.empty() ? std::string("none yet") : names) + ")");
}

std::vector<RunSummary> RunStore::list_runs(const RunFilter& filter) const {
  std::string sql = std::string("SELECT ") + k_summary_columns +
                    " FROM runs r JOIN experiments e ON e.id = r.experiment_id"
                    " WHERE (?1 IS NULL OR e.name = ?1) AND (?2 IS NULL OR r.status = ?2) ORDER BY r.id";
  Statement st = db_.prepare(sql);
  st.bind(1, filter.experiment);
  if (filter.status) {
    st.bind(2, to_string(*filter.status));
  } else {
    st.bind(2, nullptr);
  }
  std::vector<RunSummary> out;
  while (st.step()) out.push_back(read_summary(st));
  return out;
}

std::optional<RunId> RunStore::find_run(const std::string& ref) const {
  if (ref.empty()) return std::nullopt;
  if (std::all_of(ref.begin(), ref.end(), [](unsigned char c) { return std::isdigit(c); }) && ref.size() < 19) {
    Statement st = db_.prepare("SELECT id FROM runs WHERE id = ?");
    st.bind_all(std::stoll(ref));
    if (st.step()) return st.int64_at(0);
    // else: maybe a run literally named "42"; fall through to the name lookup
  }
  const auto slash = ref.find('/');
  if (slash != std::string::npos) {
    Statement st = db_.prepare(
        "SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id "
        "WHERE e.name = ? AND r.name = ? ORDER BY r.id DESC LIMIT 1");
    st.bind_all(ref.substr(0, slash), ref.substr(slash + 1));
    if (st.step()) return st.int64_at(0);
    return std::nullopt;
  }
  Statement st = db_.prepare(
      "SELECT r.id, e.name FROM runs r JOIN experiments e ON e.id = r.experiment_id "
      "WHERE r.name = ? ORDER BY r.id DESC");
  st.bind_all(ref);
  std::optional<RunId> found;
  std::vector<std::string> where;
  while (st.step()) {
    if (!found) found = st.int64_at(0);
    const std::string e = st.text_at(1);
    if (std::find(where.begin(), where.end(), e) == where.end()) where.push_back(e);
  }
  if (where.size() > 1) {
    std::string list;
    for (const auto& e : where) list += (list.empty() ? "" : ", ") + e + "/" + ref;
    throw StoreError("run name '" + ref + "' is ambiguous: " + list + " (name it experiment/run or by id)");
  }
  return found;
}

RunId RunStore::resolve_run(const std::string& ref) const {
  if (auto id = find_run(ref)) return *id;
  throw StoreError(path() + ": no run '" + ref +
                   "' (name a run by id, experiment/run or a unique run name; `dflab runs` lists them)");
}

RunSummary RunStore::run_summary(RunId run) const {
  Statement st = db_.prepare(std::string("SELECT ") + k_summary_columns +
                             " FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?");
  st.bind_all(run);
  if (!st.step()) throw StoreError(path() + ": no run with id " + std::to_string(run));
  return read_summary(st);
}

RunDetail RunStore::get_run(RunId run) const {
  RunDetail d;
  d.run = run_summary(run);
  {
    Statement st = db_.prepare("SELECT config_toml FROM runs WHERE id = ?");
    st.bind_all(run);
    if (st.step()) d.config_toml = st.text_at(0);
  }
  {
    Statement st = db_.prepare("SELECT key, value FROM params WHERE run_id = ? ORDER BY key");
    st.bind_all(run);
    while (st.step()) d.params.emplace_back(st.text_at(0), st.text_at(1));
  }
  {
    Statement st = db_.prepare(
        "SELECT split, name, value, note, source FROM metrics WHERE run_id = ? ORDER BY split, source, name");
    st.bind_all(run);
    while (st.step()) {
      MetricRow m{st.text_at(0), st.text_at(1), st.optional_double_at(2), st.text_at(3), st.text_at(4)};
      (m.source.empty() ? d.metrics : d.source_metrics).push_back(std::move(m));
    }
  }
  {
    Statement st = db_.prepare(
        "SELECT epoch, split, name, value FROM epoch_metrics WHERE run_id = ? ORDER BY epoch, split, name");
    st.bind_all(run);
    while (st.step())
      d.epoch_metrics.push_back(
          {static_cast<int>(st.int64_at(0)), st.text_at(1), st.text_at(2), st.optional_double_at(3)});
  }
  {
    Statement st = db_.prepare("SELECT kind, path, sha256 FROM artifacts WHERE run_id = ? ORDER BY rowid");
    st.bind_all(run);
    while (st.step()) d.artifacts.push_back({st.text_at(0), st.text_at(1), st.text_at(2)});
  }
  {
    Statement st = db_.prepare("SELECT split, count(*) FROM predictions WHERE run_id = ? GROUP BY split ORDER BY split");
    st.bind_all(run);
    while (st.step()) d.prediction_counts[st.text_at(0)] = st.int64_at(1);
  }
  return d;
}

std::vector<Prediction> RunStore::predictions(RunId run, const std::string& split) const {
  Statement st = db_.prepare("SELECT video, label, score FROM predictions WHERE run_id = ? AND split = ? ORDER BY video");
  st.bind_all(run, split);
  std::vector<Prediction> out;
  while (st.step()) {
    Prediction p;
    p.video = st.text_at(0);
    if (!st.is_null(1)) p.label = static_cast<int>(st.int64_at(1));
    p.score = st.double_at(2);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<VideoRecord> RunStore::videos(ExperimentId experiment, const std::string& split) const {
  Statement st = db_.prepare(
      "SELECT video, split, label, video_status, video_message, audio_status, audio_message, thumbnail, source "
      "FROM videos WHERE experiment_id = ?1 AND (?2 = '' OR split = ?2) ORDER BY split, video");
  st.bind(1, experiment).bind(2, split);
  std::vector<VideoRecord> out;
  while (st.step()) {
    VideoRecord v;
    v.video = st.text_at(0);
    v.split = st.text_at(1);
    if (!st.is_null(2)) v.label = static_cast<int>(st.int64_at(2));
    v.video_status = st.text_at(3);
    v.video_message = st.text_at(4);
    v.audio_status = st.text_at(5);
    v.audio_message = st.text_at(6);
    v.thumbnail = st.text_at(7);
    v.source = st.text_at(8);
    out.push_back(std::move(v));
  }
  return out;
}

Leaderboard RunStore::leaderboard(const LeaderboardQuery& query) const {
  Leaderboard lb;
  lb.metric = query.metric;
  lb.split = query.split;
  lb.ascending = query.ascending.value_or(lower_is_better(query.metric));
  // Undefined values (NULL) rank last in both directions; ties keep the older run first.
  const std::string sql = std::string("SELECT ") + k_summary_columns + ", m.value" +
                          " FROM metrics m JOIN runs r ON r.id = m.run_id"
                          " JOIN experiments e ON e.id = r.experiment_id"
                          " WHERE r.status = 'finished' AND m.split = ?1 AND m.name = ?2 AND m.source = ''"
                          " AND (?3 IS NULL OR e.name = ?3)"
                          " ORDER BY m.value IS NULL, m.value " +
                          (lb.ascending ? "ASC" : "DESC") + ", r.id";
  Statement st = db_.prepare(sql);
  st.bind(1, query.split).bind(2, query.metric).bind(3, query.experiment);
  while (st.step()) {
    LeaderboardRow row;
    row.run = read_summary(st);
    row.value = st.optional_double_at(k_summary_n_columns);
    row.rank = static_cast<int>(lb.rows.size()) + 1;
    lb.rows.push_back(std::move(row));
  }
  Statement all = db_.prepare("SELECT name, value FROM metrics WHERE run_id = ? AND split = ? AND source = ''");
  for (LeaderboardRow& row : lb.rows) {
    all.bind_all(row.run.id, query.split);
    while (all.step()) row.metrics[all.text_at(0)] = all.optional_double_at(1);
  }
  return lb;
}

std::vector<SourceMetric> RunStore::source_metrics(const SourceMetricQuery& query) const {
  const std::string sql = std::string("SELECT ") + k_summary_columns + ", m.source, m.value, m.note" +
                          " FROM metrics m JOIN runs r ON r.id = m.run_id"
                          " JOIN experiments e ON e.id = r.experiment_id"
                          " WHERE r.status = 'finished' AND m.split = ?1 AND m.name = ?2 AND m.source != ''"
                          " AND (?3 IS NULL OR e.name = ?3)"
                          " ORDER BY e.name, r.id, m.source";
  Statement st = db_.prepare(sql);
  st.bind(1, query.split).bind(2, query.metric).bind(3, query.experiment);
  std::vector<SourceMetric> out;
  while (st.step()) {
    SourceMetric m;
    m.run = read_summary(st);
    m.source = st.text_at(k_summary_n_columns);
    m.value = st.optional_double_at(k_summary_n_columns + 1);
    m.note = st.text_at(k_summary_n_columns + 2);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::string> RunStore::metric_names(const std::string& split,
                                                const std::optional<std::string>& experiment) const {
  Statement st = db_.prepare(
      "SELECT DISTINCT m.name FROM metrics m JOIN runs r ON r.id = m.run_id"
      " JOIN experiments e ON e.id = r.experiment_id"
      " WHERE r.status = 'finished' AND m.split = ?1 AND (?2 IS NULL OR e.name = ?2) ORDER BY m.name");
  st.bind(1, split).bind(2, experiment);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text_at(0));
  return out;
}

}  // namespace dflab::store
