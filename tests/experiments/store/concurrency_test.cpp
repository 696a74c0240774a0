// Several processes on one database file: concurrent writers lose no rows; a writer killed in the
// middle of a transaction leaves the database consistent with every earlier commit intact.
// Writers are fork()ed children that open their own connection after the fork (SQLite
// connections must not cross a fork) and leave with _exit so no parent state is torn down twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "experiments/store/run_store.h"
#include "tests/experiments/store/temp_dir.h"

namespace dflab::store {
namespace {

using testing::TempDir;

constexpr int k_runs_per_writer = 200;
constexpr int k_predictions_per_run = 1000;
constexpr int k_metrics_per_run = 4;
constexpr int k_epochs_per_run = 3;

std::int64_t count(const Database& db, const std::string& sql) {
  Statement st = db.prepare(sql);
  st.step();
  return st.int64_at(0);
}

// One writer's whole job, as the experiment runner would do it: a run per model with params,
// per-epoch metrics, predictions in one batch, final metrics, and finish.
void write_runs(const std::string& path, int writer) {
  RunStore s = RunStore::open(path);
  const ExperimentId exp = s.experiment("shared");   // both writers get-or-create the same one
  for (int r = 0; r < k_runs_per_writer; ++r) {
    // Halfway, wait (up to 60 s) until the other writer has a run: on a loaded machine the
    // scheduler could otherwise let one writer finish before the other starts.
    if (r == k_runs_per_writer / 2) {
      Database db(path, SQLITE_OPEN_READONLY);
      const std::string other = "SELECT count(*) FROM runs WHERE name LIKE 'w" + std::to_string(1 - writer) + "-%'";
      for (int i = 0; i < 6000 && count(db, other) == 0; ++i) usleep(10000);
    }
    const std::string name = "w" + std::to_string(writer) + "-r" + std::to_string(r);
    const RunId run = s.begin_run({exp, name, "p", "video", RunKind::model, "", r, "t"});
    s.log_params(run, {{"writer", std::to_string(writer)}, {"index", std::to_string(r)}});
    for (int e = 0; e < k_epochs_per_run; ++e) s.log_epoch_metrics(run, e, {{"val", "logloss", 1.0 / (e + 1)}});
    std::vector<Prediction> preds;
    preds.reserve(k_predictions_per_run);
    for (int v = 0; v < k_predictions_per_run; ++v)
      preds.push_back({"video" + std::to_string(v) + ".mp4", v % 2, (v % 100) / 100.0});
    s.log_predictions(run, "val", preds);
    s.log_metrics(run, "val", {{"auc", 0.5 + r / 1000.0}, {"logloss", 0.7}, {"f1", 0.5}, {"eer", 0.3}});
    s.finish_run(run, RunStatus::finished);
  }
}

// Waits for `pid`; returns its exit code, or -signal when it was killed.
int wait_child(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1000;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

TEST(StoreConcurrency, TwoWritersLoseNoRows) {
  TempDir tmp;
  const std::string path = tmp.file("runs/shared.sqlite");   // neither writer finds the file
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (int w = 0; w < 2; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(go[1]);
      char c;
      if (read(go[0], &c, 1) != 1) _exit(3);   // start together: both create the file at once
      try {
        write_runs(path, w);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "writer %d: %s\n", w, e.what());
        _exit(1);
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  close(go[0]);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(write(go[1], "gg", 2), 2);
  close(go[1]);
  for (pid_t pid : children) EXPECT_EQ(wait_child(pid), 0) << "a writer failed (see stderr)";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("2 writers x %d runs x %d predictions: %.2f s\n", k_runs_per_writer, k_predictions_per_run, seconds);

  Database db(path, SQLITE_OPEN_READONLY);
  const std::int64_t n_runs = 2 * k_runs_per_writer;
  EXPECT_EQ(count(db, "SELECT count(*) FROM experiments"), 1);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs WHERE status = 'finished'"), n_runs);
  EXPECT_EQ(count(db, "SELECT count(DISTINCT name) FROM runs"), n_runs);
  EXPECT_EQ(count(db, "SELECT count(*) FROM params"), n_runs * 2);
  EXPECT_EQ(count(db, "SELECT count(*) FROM epoch_metrics"), n_runs * k_epochs_per_run);
  EXPECT_EQ(count(db, "SELECT count(*) FROM metrics"), n_runs * k_metrics_per_run);
  EXPECT_EQ(count(db, "SELECT count(*) FROM predictions"), n_runs * k_predictions_per_run);
  // Every run has all of its own rows (no row went to the other writer's run).
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM predictions p "
                      "WHERE p.run_id = r.id) != " + std::to_string(k_predictions_per_run)), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM runs r JOIN params p ON p.run_id = r.id AND p.key = 'writer' "
                      "WHERE substr(r.name, 2, 1) != p.value"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM leaderboard"), n_runs);
  // The writers really overlapped: in id order, runs of the two writers alternate many times.
  const std::int64_t switches = count(db,
      "SELECT count(*) FROM (SELECT substr(name, 1, 2) AS w, lag(substr(name, 1, 2)) OVER (ORDER BY id) AS prev"
      " FROM runs) WHERE prev IS NOT NULL AND w != prev");
  std::printf("writer switches in run id order: %lld\n", static_cast<long long>(switches));
  EXPECT_GT(switches, 1) << "one writer finished before the other began: nothing concurrent was tested";
  EXPECT_EQ(db.query_text("PRAGMA integrity_check"), "ok");
}

TEST(StoreConcurrency, KilledWriterLeavesCommittedRowsAndNothingElse) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(ready[0]);
    try {
      RunStore s = RunStore::open(path);
      const ExperimentId exp = s.experiment("e");
      const RunId done = s.begin_run({exp, "committed", "", "", RunKind::model, "", {}, ""});
      std::vector<Prediction> preds;
      for (int v = 0; v < 300; ++v) preds.push_back({"v" + std::to_string(v), v % 2, 0.5});
      s.log_predictions(done, "val", preds);
      s.log_metrics(done, "val", {{"auc", 0.9}});
      s.finish_run(done, RunStatus::finished);

      auto tx = s.transaction();   // the batch that never commits
      const RunId lost = s.begin_run({exp, "uncommitted", "", "", RunKind::model, "", {}, ""});
      s.log_predictions(lost, "val", preds);
      s.log_metrics(done, "val", {{"auc", 0.1}});   // would overwrite a committed value
      if (write(ready[1], "x", 1) != 1) _exit(2);
      pause();   // killed here, inside the transaction, holding the write lock
    } catch (const std::exception& e) {
      std::fprintf(stderr, "writer: %s\n", e.what());
    }
    _exit(1);
  }
  close(ready[1]);
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1) << "the writer failed before its transaction (see stderr)";
  close(ready[0]);

  {
    // WAL: a reader sees the committed state while the writer holds its transaction open.
    StoreOptions opts;
    opts.create = false;
    RunStore reader = RunStore::open(path, opts);
    EXPECT_EQ(reader.list_runs().size(), 1u);
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  EXPECT_EQ(wait_child(pid), -SIGKILL);

  RunStore s = RunStore::open(path);
  const auto runs = s.list_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].name, "committed");
  EXPECT_EQ(runs[0].status, RunStatus::finished);
  const RunDetail d = s.get_run(runs[0].id);
  EXPECT_EQ(d.prediction_counts.at("val"), 300);
  EXPECT_DOUBLE_EQ(*d.metrics.at(0).value, 0.9);
  Database raw(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(raw.query_text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(count(raw, "SELECT count(*) FROM predictions"), 300);

  // The dead writer's lock is gone: a new writer gets through at once.
  StoreOptions quick;
  quick.busy_timeout_ms = 200;
  RunStore next = RunStore::open(path, quick);
  const RunId r = next.begin_run({*next.find_experiment("e"), "after", "", "", RunKind::model, "", {}, ""});
  next.finish_run(r, RunStatus::finished);
  EXPECT_EQ(next.list_runs().size(), 2u);
}

TEST(StoreConcurrency, WriterWaitsForLockInsteadOfFailing) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  ExperimentId exp = 0;
  { exp = RunStore::open(path).experiment("e"); }   // no connection may be open across fork()
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1) _exit(3);
    try {
      StoreOptions opts;
      opts.busy_timeout_ms = 5000;
      RunStore s = RunStore::open(path, opts);
      const RunId r = s.begin_run({exp, "waited", "", "", RunKind::model, "", {}, ""});
      s.finish_run(r, RunStatus::finished);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "writer: %s\n", e.what());
      _exit(1);
    }
    _exit(0);
  }
  close(ready[0]);
  RunStore holder = RunStore::open(path);
  {
    auto tx = holder.transaction();   // hold the write lock for a while
    holder.begin_run({exp, "holder", "", "", RunKind::model, "", {}, ""});
    ASSERT_EQ(write(ready[1], "x", 1), 1);
    close(ready[1]);
    usleep(300 * 1000);
    tx.commit();
  }
  EXPECT_EQ(wait_child(pid), 0);
  EXPECT_EQ(holder.list_runs().size(), 2u);
}

TEST(StoreConcurrency, BusyTimeoutExpiresWithAClearError) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  RunStore holder = RunStore::open(path);
  const ExperimentId exp = holder.experiment("e");
  StoreOptions opts;
  opts.busy_timeout_ms = 50;
  RunStore other = RunStore::open(path, opts);   // a second connection in the same process
  auto tx = holder.transaction();
  holder.begin_run({exp, "holder", "", "", RunKind::model, "", {}, ""});
  try {
    other.begin_run({exp, "blocked", "", "", RunKind::model, "", {}, ""});
    FAIL() << "expected SQLITE_BUSY";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.sqlite_code() & 0xff, SQLITE_BUSY);
    EXPECT_NE(std::string(e.what()).find("busy timeout"), std::string::npos) << e.what();
  }
  tx.commit();
  EXPECT_NO_THROW(other.begin_run({exp, "later", "", "", RunKind::model, "", {}, ""}));
}

}  // namespace
}  // namespace dflab::store
