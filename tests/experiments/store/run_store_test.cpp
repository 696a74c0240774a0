// RunStore API: logging, idempotent re-logging, reading back, leaderboard order, run lookup,
// transactions, interrupted runs, bad database files.
#include "experiments/store/run_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "experiments/store/schema.h"
#include "experiments/store/store_json.h"
#include "tests/experiments/store/temp_dir.h"

namespace dflab::store {
namespace {

using testing::TempDir;

// Row count of `table` through a separate raw connection, so the check does not trust RunStore.
std::int64_t count_rows(const std::string& db_path, const std::string& table, const std::string& where = "") {
  Database db(db_path, SQLITE_OPEN_READONLY);
  Statement st = db.prepare("SELECT count(*) FROM " + table + (where.empty() ? "" : " WHERE " + where));
  st.step();
  return st.int64_at(0);
}

RunId finished_run(RunStore& s, ExperimentId exp, const std::string& name, const std::vector<Metric>& val,
                   RunKind kind = RunKind::model) {
  RunId id = s.begin_run({exp, name, "plugin_" + name, "video", kind, "", std::nullopt, "0.1.0"});
  s.log_metrics(id, "val", val);
  s.finish_run(id, RunStatus::finished);
  return id;
}

TEST(RunStore, CreatesParentFoldersAndCurrentSchemaInWalMode) {
  TempDir tmp;
  const std::string path = tmp.file("a/b/runs.sqlite");
  RunStore s = RunStore::open(path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(s.schema_version(), current_schema_version());
  Database raw(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.query_text("SELECT count(*) FROM schema_version"), std::to_string(current_schema_version()));
}

TEST(RunStore, MissingFileIsAnErrorWhenNotCreating) {
  TempDir tmp;
  const std::string path = tmp.file("nope.sqlite");
  StoreOptions opts;
  opts.create = false;
  try {
    RunStore::open(path, opts);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("no run database at '" + path + "'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "a read must not create an empty database";
}

TEST(RunStore, NonDatabaseFileIsAClearError) {
  TempDir tmp;
  const std::string path = tmp.file("junk.sqlite");
  std::ofstream(path) << "this is not an sqlite file, just some text long enough to fill a header.......\n";
  try {
    RunStore::open(path);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": not an SQLite database"), std::string::npos) << e.what();
  }
}

// SQLite reads an empty file as an empty database: without the check a `touch`ed or truncated
// file named as --db got a dflab schema written into it.
TEST(RunStore, EmptyFileIsRefusedForReadingAndWritingAndLeftAlone) {
  TempDir tmp;
  const std::string path = tmp.file("empty.sqlite");
  std::ofstream(path).close();
  for (bool create : {true, false}) {
    StoreOptions opts;
    opts.create = create;
    try {
      RunStore::open(path, opts);
      FAIL() << "expected StoreError (create = " << create << ")";
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find(path + ": not a dflab database (the file is empty)"), std::string::npos)
          << e.what();
    }
    EXPECT_EQ(std::filesystem::file_size(path), 0u) << "nothing written into it";
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  }
  // A path that does not exist yet is still created.
  RunStore fresh = RunStore::open(tmp.file("new.sqlite"));
  EXPECT_EQ(fresh.schema_version(), current_schema_version());
}

TEST(RunStore, ForeignSqliteDatabaseIsRefused) {
  TempDir tmp;
  const std::string path = tmp.file("other.sqlite");
  {
    Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("CREATE TABLE customers(id INTEGER)");
  }
  try {
    RunStore::open(path);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("not a dflab run database"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("customers"), std::string::npos) << e.what();
  }
}

TEST(RunStore, LogsAndReadsBackEverything) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const ExperimentId exp = s.experiment("ffdv");
  EXPECT_EQ(s.experiment("ffdv"), exp) << "get-or-create returns the same id";
  const RunId run = s.begin_run({exp, "video-effnet", "efficientnet_b0", "video", RunKind::model,
                                 "[model]\nplugin = \"efficientnet_b0\"\n", 42, "0.1.0"});
  s.log_params(run, {{"lr", "0.0003"}, {"batch", "32"}});
  s.log_epoch_metrics(run, 0, {{"train", "loss", 0.7}, {"val", "auc", 0.6}});
  s.log_epoch_metrics(run, 1, {{"train", "loss", 0.5}, {"val", "auc", 0.8}});
  s.log_metrics(run, "val", {{"auc", 0.9}, {"logloss", 0.3}, {"tpr_at_fpr", 0.25, "fpr=1e-3"}});
  s.log_metrics(run, "test", {{"auc", std::nullopt, "one class only"}});
  s.log_predictions(run, "val", {{"b.mp4", 0, 0.2}, {"a.mp4", 1, 0.9}});
  s.log_predictions(run, "test", {{"c.mp4", std::nullopt, 0.4}});
  s.add_artifact(run, "checkpoint", "ckpt/e1.pt");
  s.add_artifact(run, "checkpoint", "ckpt/e2.pt", "ab12");
  s.add_artifact(run, "checkpoint", "ckpt/e2.pt", "cd34");   // the same file logged again: its digest updated
  s.finish_run(run, RunStatus::finished);

  const RunDetail d = s.get_run(run);
  EXPECT_EQ(d.run.experiment, "ffdv");
  EXPECT_EQ(d.run.name, "video-effnet");
  EXPECT_EQ(d.run.plugin, "efficientnet_b0");
  EXPECT_EQ(d.run.kind, RunKind::model);
  EXPECT_EQ(d.run.status, RunStatus::finished);
  EXPECT_EQ(d.run.seed, 42);
  EXPECT_EQ(d.run.pid, static_cast<std::int64_t>(getpid()));
  EXPECT_FALSE(d.run.host.empty());
  ASSERT_TRUE(d.run.finished.has_value());
  ASSERT_TRUE(d.run.duration_s.has_value());
  EXPECT_GE(*d.run.duration_s, 0.0);
  EXPECT_LT(*d.run.duration_s, 60.0);
  EXPECT_EQ(d.config_toml, "[model]\nplugin = \"efficientnet_b0\"\n");
  ASSERT_EQ(d.params.size(), 2u);
  EXPECT_EQ(d.params[0], (std::pair<std::string, std::string>{"batch", "32"}));
  ASSERT_EQ(d.metrics.size(), 4u);
  EXPECT_EQ(d.metrics[0].split, "test");
  EXPECT_FALSE(d.metrics[0].value.has_value());
  EXPECT_EQ(d.metrics[0].note, "one class only");
  EXPECT_EQ(d.metrics[3].name, "tpr_at_fpr");
  EXPECT_EQ(d.metrics[3].note, "fpr=1e-3");
  ASSERT_EQ(d.epoch_metrics.size(), 4u);
  EXPECT_EQ(d.epoch_metrics[2].epoch, 1);   // ordered by epoch, split, name
  EXPECT_EQ(d.epoch_metrics[2].split, "train");
  EXPECT_DOUBLE_EQ(*d.epoch_metrics[2].value, 0.5);
  EXPECT_EQ(d.epoch_metrics[3].name, "auc");
  EXPECT_DOUBLE_EQ(*d.epoch_metrics[3].value, 0.8);
  ASSERT_EQ(d.artifacts.size(), 2u);
  EXPECT_EQ(d.artifacts[0].path, "ckpt/e1.pt");
  EXPECT_EQ(d.artifacts[0].sha256, "");
  EXPECT_EQ(d.artifacts[1].path, "ckpt/e2.pt");
  EXPECT_EQ(d.artifacts[1].sha256, "cd34");
  EXPECT_EQ(d.prediction_counts.at("val"), 2);
  EXPECT_EQ(d.prediction_counts.at("test"), 1);

  const auto preds = s.predictions(run, "val");
  ASSERT_EQ(preds.size(), 2u);
  EXPECT_EQ(preds[0].video, "a.mp4");
  EXPECT_EQ(preds[0].label, 1);
  EXPECT_DOUBLE_EQ(preds[0].score, 0.9);
  EXPECT_FALSE(s.predictions(run, "test")[0].label.has_value());

  const auto j = to_json(d);
  EXPECT_DOUBLE_EQ(j["metrics"]["val"]["auc"].get<double>(), 0.9);
  EXPECT_TRUE(j["metrics"]["test"]["auc"].is_null());
  EXPECT_EQ(j["notes"]["val"]["tpr_at_fpr"], "fpr=1e-3");
  EXPECT_EQ(j["predictions"]["val"], 2);
}

TEST(RunStore, ReloggingUpsertsInsteadOfDuplicating) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  RunStore s = RunStore::open(path);
  const RunId run = s.begin_run({s.experiment("e"), "r", "p", "audio", RunKind::model, "", {}, ""});
  for (int pass = 0; pass < 3; ++pass) {   // a resumed run logs everything again
    const double v = 0.1 * (pass + 1);
    s.log_params(run, {{"lr", std::to_string(pass)}});
    s.log_epoch_metrics(run, 0, {{"val", "logloss", v}});
    s.log_metrics(run, "val", {{"auc", v, "pass " + std::to_string(pass)}});
    s.log_predictions(run, "val", {{"a.mp4", 1, v}, {"b.mp4", 0, v}});
    s.add_artifact(run, "checkpoint", "c.pt");
  }
  EXPECT_EQ(count_rows(path, "params"), 1);
  EXPECT_EQ(count_rows(path, "epoch_metrics"), 1);
  EXPECT_EQ(count_rows(path, "metrics"), 1);
  EXPECT_EQ(count_rows(path, "predictions"), 2);
  EXPECT_EQ(count_rows(path, "artifacts"), 1);
  const RunDetail d = s.get_run(run);
  EXPECT_EQ(d.params[0].second, "2") << "last value wins";
  EXPECT_DOUBLE_EQ(*d.metrics[0].value, 0.30000000000000004);
  EXPECT_EQ(d.metrics[0].note, "pass 2");
  EXPECT_DOUBLE_EQ(s.predictions(run, "val")[1].score, 0.30000000000000004);
}

TEST(RunStore, NanMetricIsStoredAsUndefined) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const RunId run = s.begin_run({s.experiment("e"), "r", "", "", RunKind::model, "", {}, ""});
  s.log_metrics(run, "val", {{"auc", std::nan("")}});
  EXPECT_FALSE(s.get_run(run).metrics.at(0).value.has_value());
}

TEST(RunStore, RejectsBadInput) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  EXPECT_THROW(s.experiment(""), StoreError);
  EXPECT_THROW(s.experiment("a/b"), StoreError);
  const ExperimentId exp = s.experiment("e");
  EXPECT_THROW(s.begin_run({exp, "", "", "", RunKind::model, "", {}, ""}), StoreError);
  EXPECT_THROW(s.begin_run({exp + 100, "r", "", "", RunKind::model, "", {}, ""}), StoreError);
  const RunId run = s.begin_run({exp, "r", "", "", RunKind::model, "", {}, ""});
  EXPECT_THROW(s.log_metrics(run + 100, "val", {{"auc", 0.5}}), StoreError);
  EXPECT_THROW(s.log_predictions(run, "val", {{"a.mp4", 2, 0.5}}), StoreError);
  EXPECT_THROW(s.finish_run(run, RunStatus::running), StoreError);
  EXPECT_THROW(s.get_run(run + 100), StoreError);
  EXPECT_THROW(parse_run_kind("ensemble"), StoreError);
}

TEST(RunStore, FailedBatchWritesNothing) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  RunStore s = RunStore::open(path);
  const RunId run = s.begin_run({s.experiment("e"), "r", "", "", RunKind::model, "", {}, ""});
  // The third prediction has an invalid label: the whole batch is rolled back.
  EXPECT_THROW(s.log_predictions(run, "val", {{"a", 0, 0.1}, {"b", 1, 0.2}, {"c", 7, 0.3}}), StoreError);
  EXPECT_EQ(count_rows(path, "predictions"), 0);
}

TEST(RunStore, OuterTransactionGroupsCallsAndRollsBackOnException) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  RunStore s = RunStore::open(path);
  const RunId run = s.begin_run({s.experiment("e"), "r", "", "", RunKind::model, "", {}, ""});
  try {
    auto tx = s.transaction();
    s.log_metrics(run, "val", {{"auc", 0.9}});
    s.log_predictions(run, "val", {{"a", 1, 0.9}});
    s.finish_run(run, RunStatus::finished);
    throw std::runtime_error("crash before commit");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count_rows(path, "metrics"), 0);
  EXPECT_EQ(count_rows(path, "predictions"), 0);
  EXPECT_EQ(s.run_summary(run).status, RunStatus::running);
  {
    auto tx = s.transaction();
    s.log_metrics(run, "val", {{"auc", 0.9}});
    // A failing inner call rolls back only its own savepoint.
    EXPECT_THROW(s.log_predictions(run, "val", {{"a", 5, 0.9}}), StoreError);
    s.finish_run(run, RunStatus::finished);
    tx.commit();
  }
  EXPECT_EQ(count_rows(path, "metrics"), 1);
  EXPECT_EQ(count_rows(path, "predictions"), 0);
  EXPECT_EQ(s.run_summary(run).status, RunStatus::finished);
}

TEST(RunStore, ListRunsFiltersByExperimentAndStatus) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const ExperimentId a = s.experiment("a");
  const ExperimentId b = s.experiment("b");
  finished_run(s, a, "r1", {{"auc", 0.5}});
  const RunId r2 = s.begin_run({a, "r2", "", "", RunKind::fusion, "", {}, ""});
  finished_run(s, b, "r3", {{"auc", 0.5}});
  EXPECT_EQ(s.list_runs().size(), 3u);
  const auto only_a = s.list_runs({std::string("a"), std::nullopt});
  ASSERT_EQ(only_a.size(), 2u);
  EXPECT_EQ(only_a[1].id, r2);
  EXPECT_EQ(only_a[1].kind, RunKind::fusion);
  EXPECT_EQ(s.list_runs({std::nullopt, RunStatus::running}).size(), 1u);
  EXPECT_TRUE(s.list_runs({std::string("zzz"), std::nullopt}).empty());
  ASSERT_EQ(s.experiments().size(), 2u);
  EXPECT_EQ(s.experiments()[1].name, "b");
}

TEST(RunStore, FindRunByIdQualifiedNameOrUniqueName) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const ExperimentId a = s.experiment("a");
  const ExperimentId b = s.experiment("b");
  const RunId a_r = finished_run(s, a, "r", {});
  const RunId a_r_again = finished_run(s, a, "r", {});   // re-run of the same name
  const RunId b_r = finished_run(s, b, "r", {});
  const RunId b_only = finished_run(s, b, "only", {});
  EXPECT_EQ(s.find_run(std::to_string(a_r)), a_r);
  EXPECT_EQ(s.find_run("a/r"), a_r_again) << "the latest run of that name";
  EXPECT_EQ(s.find_run("b/r"), b_r);
  EXPECT_EQ(s.find_run("only"), b_only);
  EXPECT_FALSE(s.find_run("a/only").has_value());
  EXPECT_FALSE(s.find_run("9999").has_value());
  EXPECT_THROW(s.find_run("r"), StoreError) << "ambiguous across experiments";
  try {
    s.resolve_run("missing");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("no run 'missing'"), std::string::npos) << e.what();
  }
}

TEST(RunStore, LeaderboardOrdersBothDirectionsAndSkipsUnfinished) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const ExperimentId e1 = s.experiment("e1");
  const ExperimentId e2 = s.experiment("e2");
  const RunId mid = finished_run(s, e1, "mid", {{"auc", 0.80}, {"logloss", 0.40}, {"f1", 0.7}});
  const RunId best = finished_run(s, e1, "best", {{"auc", 0.95}, {"logloss", 0.20}}, RunKind::fusion);
  const RunId worst = finished_run(s, e1, "worst", {{"auc", 0.60}, {"logloss", 0.65}});
  const RunId undef = finished_run(s, e1, "undef", {{"auc", std::nullopt, "one class"}, {"logloss", 0.30}});
  const RunId other = finished_run(s, e2, "other", {{"auc", 0.99}, {"logloss", 0.01}});
  const RunId running = s.begin_run({e1, "running", "", "", RunKind::model, "", {}, ""});
  s.log_metrics(running, "val", {{"auc", 1.0}, {"logloss", 0.0}});
  const RunId failed = finished_run(s, e1, "failed", {{"auc", 1.0}});
  s.finish_run(failed, RunStatus::failed);
  const RunId test_split = s.begin_run({e1, "test-only", "", "", RunKind::model, "", {}, ""});
  s.log_metrics(test_split, "test", {{"auc", 1.0}});
  s.finish_run(test_split, RunStatus::finished);

  auto ids = [](const Leaderboard& lb) {
    std::vector<RunId> out;
    for (const auto& r : lb.rows) out.push_back(r.run.id);
    return out;
  };
  const Leaderboard auc = s.leaderboard({"auc", "val", std::string("e1"), std::nullopt});
  EXPECT_FALSE(auc.ascending);
  EXPECT_EQ(ids(auc), (std::vector<RunId>{best, mid, worst, undef})) << "descending, undefined last";
  EXPECT_EQ(auc.rows[0].rank, 1);
  EXPECT_EQ(auc.rows[0].run.kind, RunKind::fusion);
  EXPECT_DOUBLE_EQ(*auc.rows[0].metrics.at("logloss"), 0.20);
  EXPECT_FALSE(auc.rows[3].value.has_value());

  const Leaderboard ll = s.leaderboard({"logloss", "val", std::string("e1"), std::nullopt});
  EXPECT_TRUE(ll.ascending);
  EXPECT_EQ(ids(ll), (std::vector<RunId>{best, undef, mid, worst})) << "ascending";

  const Leaderboard forced = s.leaderboard({"auc", "val", std::string("e1"), true});
  EXPECT_EQ(ids(forced), (std::vector<RunId>{worst, mid, best, undef}));

  const Leaderboard all = s.leaderboard({"auc", "val", std::nullopt, std::nullopt});
  EXPECT_EQ(all.rows.front().run.id, other);
  EXPECT_EQ(all.rows.size(), 5u);

  const Leaderboard f1 = s.leaderboard({"f1", "val", std::nullopt, std::nullopt});
  EXPECT_EQ(ids(f1), (std::vector<RunId>{mid}));

  EXPECT_EQ(s.metric_names("val", std::string("e1")), (std::vector<std::string>{"auc", "f1", "logloss"}));
  EXPECT_EQ(s.metric_names("test"), (std::vector<std::string>{"auc"}));

  const auto j = to_json(auc);
  EXPECT_EQ(j["rows"][0]["run"]["name"], "best");
  EXPECT_TRUE(j["rows"][3]["value"].is_null());
}

TEST(RunStore, SourceMetricsAreKeptApartFromWholeSplits) {
  TempDir tmp;
  RunStore s = RunStore::open(tmp.file("runs.sqlite"));
  const ExperimentId e = s.experiment("loso");
  const RunId a = finished_run(s, e, "meso@gen_a", {{"auc", 0.7}});
  s.log_metrics(a, "test", {{"auc", 0.6}, {"logloss", 0.7}});
  s.log_metrics(a, "test", {{"auc", 0.6}, {"logloss", 0.7}}, "gen_a");
  s.log_metrics(a, "val", {{"auc", 0.8}}, "gen_b");
  s.log_metrics(a, "test", {{"auc", 0.65}}, "gen_a");   // upsert on (run, split, source, name)
  const RunId b = finished_run(s, e, "meso@gen_b", {{"auc", 0.9}});
  s.log_metrics(b, "test", {{"auc", std::nullopt, "undefined: only one class present"}}, "gen_b");
  const RunId running = s.begin_run({e, "running@gen_c", "", "", RunKind::model, "", {}, ""});
  s.log_metrics(running, "test", {{"auc", 0.5}}, "gen_c");

  const std::vector<SourceMetric> rows = s.source_metrics({"auc", "test", std::string("loso")});
  ASSERT_EQ(rows.size(), 2u) << "finished runs only, whole-split rows left out";
  EXPECT_EQ(rows[0].run.name, "meso@gen_a");
  EXPECT_EQ(rows[0].source, "gen_a");
  EXPECT_DOUBLE_EQ(*rows[0].value, 0.65);
  EXPECT_FALSE(rows[1].value.has_value());
  EXPECT_EQ(rows[1].note, "undefined: only one class present");
  EXPECT_TRUE(s.source_metrics({"auc", "test", std::string("other")}).empty());

  const RunDetail d = s.get_run(a);
  EXPECT_EQ(d.metrics.size(), 3u) << "val auc, test auc and logloss of the whole splits";
  EXPECT_EQ(d.source_metrics.size(), 3u);
  const auto j = to_json(d);
  EXPECT_DOUBLE_EQ(j["metrics_by_source"]["test"]["gen_a"]["auc"].get<double>(), 0.65);
  EXPECT_DOUBLE_EQ(j["metrics"]["test"]["auc"].get<double>(), 0.6);
}

TEST(RunStore, LowerIsBetterNames) {
  for (const char* m : {"logloss", "eer", "loss", "brier", "val_loss", "mean_error", "fpr", "fpr_at_tpr"})
    EXPECT_TRUE(lower_is_better(m)) << m;
  for (const char* m : {"auc", "f1", "accuracy", "tpr_at_fpr", "precision", "recall", "tpr"})
    EXPECT_FALSE(lower_is_better(m)) << m;
}

TEST(RunStore, LeaderboardViewPivotsMainMetrics) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  RunStore s = RunStore::open(path);
  const ExperimentId e = s.experiment("e");
  const RunId r = finished_run(s, e, "r", {{"auc", 0.9}, {"logloss", 0.2}, {"tpr_at_fpr", 0.5}, {"custom", 3.0}});
  s.begin_run({e, "unfinished", "", "", RunKind::model, "", {}, ""});
  Database raw(path, SQLITE_OPEN_READONLY);
  Statement st = raw.prepare("SELECT run_id, experiment, run, split, auc, logloss, tpr_at_fpr, f1 FROM leaderboard");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64_at(0), r);
  EXPECT_EQ(st.text_at(2), "r");
  EXPECT_EQ(st.text_at(3), "val");
  EXPECT_DOUBLE_EQ(st.double_at(4), 0.9);
  EXPECT_DOUBLE_EQ(st.double_at(5), 0.2);
  EXPECT_DOUBLE_EQ(st.double_at(6), 0.5);
  EXPECT_TRUE(st.is_null(7));
  EXPECT_FALSE(st.step()) << "one row per finished run and split";
  // Every metric leaderboard_view_metrics() names is a column of the view.
  for (const auto& m : leaderboard_view_metrics())
    EXPECT_NO_THROW(raw.prepare("SELECT " + m + " FROM leaderboard")) << m;
}

TEST(RunStore, MarksRunsOfDeadProcessesInterrupted) {
  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  RunId dead_run = 0;
  {
    RunStore s = RunStore::open(path);
    s.experiment("e");
  }
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      RunStore s = RunStore::open(path);
      s.begin_run({*s.find_experiment("e"), "dies", "", "", RunKind::model, "", {}, ""});
    } catch (...) {
      _exit(1);
    }
    _exit(0);   // leaves the run `running`
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  RunStore s = RunStore::open(path);
  const ExperimentId e = *s.find_experiment("e");
  dead_run = *s.find_run("e/dies");
  EXPECT_EQ(s.run_summary(dead_run).pid, static_cast<std::int64_t>(child));
  const RunId mine = s.begin_run({e, "alive", "", "", RunKind::model, "", {}, ""});
  NewRun remote{e, "remote", "", "", RunKind::model, "", {}, ""};
  remote.host = "another-host";
  remote.pid = child;   // dead here, but on another host we cannot tell
  const RunId elsewhere = s.begin_run(remote);

  EXPECT_EQ(s.mark_interrupted_runs(), (std::vector<RunId>{dead_run}));
  EXPECT_EQ(s.run_summary(dead_run).status, RunStatus::interrupted);
  EXPECT_TRUE(s.run_summary(dead_run).finished.has_value());
  EXPECT_EQ(s.run_summary(mine).status, RunStatus::running);
  EXPECT_EQ(s.run_summary(elsewhere).status, RunStatus::running);
  EXPECT_TRUE(s.mark_interrupted_runs().empty());

  s.resume_run(dead_run);
  const RunSummary resumed = s.run_summary(dead_run);
  EXPECT_EQ(resumed.status, RunStatus::running);
  EXPECT_FALSE(resumed.finished.has_value());
  EXPECT_EQ(resumed.pid, static_cast<std::int64_t>(getpid()));
}

}  // namespace
}  // namespace dflab::store
