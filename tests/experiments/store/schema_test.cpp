// Schema migrations: a version-1 database (built here by raw SQL, as dflab's first schema wrote
// it) opens and migrates to the current version with its rows intact; a newer one is refused.
#include "experiments/store/schema.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "experiments/store/run_store.h"
#include "tests/experiments/store/temp_dir.h"

namespace dflab::store {
namespace {

using testing::TempDir;

// Schema version 1, written out independently of schema.cpp so a change to a released step shows
// up here as a failure.
const char* k_v1_sql = R"sql(
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL DEFAULT '',
  applied TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE TABLE experiments (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE TABLE runs (id INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  name TEXT NOT NULL, plugin TEXT NOT NULL DEFAULT '', modality TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('model', 'fusion', 'external')),
  config_toml TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
  started TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), finished TEXT,
  host TEXT NOT NULL DEFAULT '', version TEXT NOT NULL DEFAULT '');
CREATE TABLE params (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (run_id, key));
CREATE TABLE epoch_metrics (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL, split TEXT NOT NULL, name TEXT NOT NULL, value REAL,
  UNIQUE (run_id, epoch, split, name));
CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL, name TEXT NOT NULL, value REAL, UNIQUE (run_id, split, name));
CREATE TABLE predictions (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split TEXT NOT NULL, video TEXT NOT NULL, label INTEGER CHECK (label IN (0, 1)),
  score REAL NOT NULL, UNIQUE (run_id, split, video));
CREATE TABLE artifacts (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL, path TEXT NOT NULL, UNIQUE (run_id, kind, path));
CREATE INDEX runs_by_experiment ON runs(experiment_id, name);
INSERT INTO schema_version(version, description) VALUES (1, 'core tables');

INSERT INTO experiments(id, name) VALUES (1, 'old-exp');
INSERT INTO runs(id, experiment_id, name, plugin, modality, kind, config_toml, status, started, finished, host, version)
  VALUES (1, 1, 'meso', 'meso4', 'video', 'model', 'x = 1', 'finished',
          '2026-01-01T10:00:00.000Z', '2026-01-01T10:02:30.000Z', 'oldhost', '0.0.1');
INSERT INTO params VALUES (1, 'lr', '0.001');
INSERT INTO epoch_metrics VALUES (1, 0, 'val', 'logloss', 0.6);
INSERT INTO metrics VALUES (1, 'val', 'auc', 0.75), (1, 'val', 'logloss', 0.5);
INSERT INTO predictions VALUES (1, 'val', 'a.mp4', 1, 0.8), (1, 'val', 'b.mp4', 0, 0.3);
INSERT INTO artifacts VALUES (1, 'checkpoint', 'meso.pt');
)sql";

TEST(Schema, VersionsAreConsecutive) {
  const auto& steps = migrations();
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i].version, static_cast<int>(i) + 1);
  EXPECT_EQ(current_schema_version(), static_cast<int>(steps.size()));
}

TEST(Schema, MigratesVersion1DatabaseKeepingRows) {
  TempDir tmp;
  const std::string path = tmp.file("v1.sqlite");
  {
    Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(k_v1_sql);
    EXPECT_EQ(schema_version(db), 1);
  }
  RunStore s = RunStore::open(path);
  EXPECT_EQ(s.schema_version(), current_schema_version());

  const RunDetail d = s.get_run(1);
  EXPECT_EQ(d.run.experiment, "old-exp");
  EXPECT_EQ(d.run.name, "meso");
  EXPECT_EQ(d.run.host, "oldhost");
  EXPECT_FALSE(d.run.seed.has_value()) << "columns added by later versions are NULL for old rows";
  EXPECT_FALSE(d.run.pid.has_value());
  ASSERT_TRUE(d.run.duration_s.has_value());
  EXPECT_NEAR(*d.run.duration_s, 150.0, 1e-3);
  EXPECT_EQ(d.params.size(), 1u);
  EXPECT_EQ(d.epoch_metrics.size(), 1u);
  ASSERT_EQ(d.metrics.size(), 2u);
  EXPECT_EQ(d.metrics[0].note, "") << "metrics.note (v2) defaults to empty";
  EXPECT_EQ(d.prediction_counts.at("val"), 2);
  EXPECT_EQ(d.artifacts.at(0).path, "meso.pt");

  // The new columns and the v3 view work on the migrated data.
  const Leaderboard lb = s.leaderboard({"auc", "val", std::nullopt, std::nullopt});
  ASSERT_EQ(lb.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(*lb.rows[0].value, 0.75);
  s.log_metrics(1, "val", {{"tpr_at_fpr", 0.4, "fpr=1e-3"}});
  Database raw(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(raw.query_text("SELECT tpr_at_fpr FROM leaderboard WHERE run_id = 1"), "0.4");
  EXPECT_EQ(raw.query_text("SELECT count(*) FROM schema_version"), std::to_string(current_schema_version()))
      << "every applied step is recorded";
  EXPECT_EQ(raw.query_text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.query_text("PRAGMA foreign_key_check"), "");
}

// A schema-5 file (v1 above plus the released steps 2-5, as dflab wrote it before the source
// dimension) migrates to 6: its metrics keep their values and notes as whole-split rows
// (source ''), its videos get source '', and per-source rows can be added beside them.
TEST(Schema, MigratesVersion5DatabaseKeepingMetricsAndVideos) {
  TempDir tmp;
  const std::string path = tmp.file("v5.sqlite");
  {
    Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(k_v1_sql);
    for (const Migration& m : migrations()) {
      if (m.version < 2 || m.version > 5) continue;
      db.exec(m.sql);
      db.exec("INSERT INTO schema_version(version, description) VALUES (" + std::to_string(m.version) + ", 'v')");
    }
    db.exec("UPDATE metrics SET note = 'kept' WHERE name = 'auc';"
            "INSERT INTO videos(experiment_id, split, video, label, video_status) VALUES (1, 'val', 'a.mp4', 1, 'ok');");
    ASSERT_EQ(schema_version(db), 5);
  }
  RunStore s = RunStore::open(path);
  EXPECT_EQ(s.schema_version(), current_schema_version());
  RunDetail d = s.get_run(1);
  ASSERT_EQ(d.metrics.size(), 2u);
  EXPECT_EQ(d.metrics[0].name, "auc");
  EXPECT_DOUBLE_EQ(*d.metrics[0].value, 0.75);
  EXPECT_EQ(d.metrics[0].note, "kept");
  EXPECT_EQ(d.metrics[0].source, "");
  EXPECT_TRUE(d.source_metrics.empty());
  const std::vector<VideoRecord> videos = s.videos(1);
  ASSERT_EQ(videos.size(), 1u);
  EXPECT_EQ(videos[0].video_status, "ok");
  EXPECT_EQ(videos[0].source, "");

  // The rebuilt table's key has the source: one split and name, several sources.
  s.log_metrics(1, "val", {{"auc", 0.5, "3 videos"}}, "sadtalker");
  s.log_metrics(1, "val", {{"auc", 0.9}}, "hyperlips");
  d = s.get_run(1);
  EXPECT_EQ(d.metrics.size(), 2u) << "whole-split rows untouched";
  ASSERT_EQ(d.source_metrics.size(), 2u);
  EXPECT_EQ(d.source_metrics[0].source, "hyperlips");
  EXPECT_EQ(d.source_metrics[1].note, "3 videos");
  const Leaderboard lb = s.leaderboard({"auc", "val", std::nullopt, std::nullopt});
  ASSERT_EQ(lb.rows.size(), 1u) << "per-source rows do not rank";
  EXPECT_DOUBLE_EQ(*lb.rows[0].value, 0.75);
  Database raw(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(raw.query_text("SELECT auc FROM leaderboard WHERE run_id = 1"), "0.75") << "the view reads source '' only";
  EXPECT_EQ(raw.query_text("SELECT count(*) FROM sqlite_master WHERE name = 'metrics_by_name'"), "1");
  EXPECT_EQ(raw.query_text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.query_text("PRAGMA foreign_key_check"), "");
}

// An existing empty file is refused, never given a schema (issue 12: a 0-byte --db got one);
// run_store_test.cpp checks the message. A path that does not exist yet gets the current schema.
TEST(Schema, EmptyFileIsNotGivenASchema) {
  TempDir tmp;
  const std::string path = tmp.file("empty.sqlite");
  { std::ofstream touch(path); }
  EXPECT_THROW(RunStore::open(path), StoreError);
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
  EXPECT_EQ(RunStore::open(tmp.file("new.sqlite")).schema_version(), current_schema_version());
}

TEST(Schema, NewerDatabaseIsRefusedAndLeftUntouched) {
  TempDir tmp;
  const std::string path = tmp.file("future.sqlite");
  { RunStore::open(path); }
  const int future = current_schema_version() + 5;
  {
    Database db(path, SQLITE_OPEN_READWRITE);
    db.exec("INSERT INTO schema_version(version, description) VALUES (" + std::to_string(future) +
            ", 'from the future'); CREATE TABLE future_thing(x);");
  }
  try {
    RunStore::open(path);
    FAIL() << "a database from a newer dflab must be refused";
  } catch (const StoreError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("schema version " + std::to_string(future)), std::string::npos) << msg;
    EXPECT_NE(msg.find("newer dflab"), std::string::npos) << msg;
  }
  Database db(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(schema_version(db), future);
}

TEST(Schema, FailedMigrationStepRollsBackEverything) {
  TempDir tmp;
  const std::string path = tmp.file("broken-v1.sqlite");
  {
    Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(k_v1_sql);
    // Step 2 adds runs.seed; a column of that name already there makes the step fail.
    db.exec("ALTER TABLE runs ADD COLUMN seed TEXT");
  }
  try {
    RunStore::open(path);
    FAIL() << "expected the migration to fail";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("migration to schema version 2 failed"), std::string::npos) << e.what();
  }
  Database db(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(schema_version(db), 1) << "nothing of the failed migration is kept";
  EXPECT_EQ(db.query_text("SELECT count(*) FROM sqlite_master WHERE name = 'metrics_by_name'"), "0");
  EXPECT_EQ(db.query_text("SELECT count(*) FROM predictions"), "2");
}

}  // namespace
}  // namespace dflab::store

namespace dflab::store {
namespace {

// Every ```sql example in experiments/store/SCHEMA.md runs on a filled database, and the
// disagreement query finds exactly the videos on which the two runs disagree.
TEST(SchemaDoc, ExampleQueriesRun) {
  std::ifstream in(DFLAB_SOURCE_DIR "/experiments/store/SCHEMA.md");
  ASSERT_TRUE(in) << "SCHEMA.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string md = ss.str();
  std::vector<std::string> queries;
  for (std::size_t pos = 0; (pos = md.find("```sql\n", pos)) != std::string::npos;) {
    const std::size_t end = md.find("```", pos + 7);
    queries.push_back(md.substr(pos + 7, end - pos - 7));
    pos = end + 3;
  }
  ASSERT_GE(queries.size(), 4u);

  TempDir tmp;
  const std::string path = tmp.file("runs.sqlite");
  {
    RunStore s = RunStore::open(path);
    const ExperimentId e = s.experiment("ffdv-av-baseline");
    const RunId video = s.begin_run({e, "video-effnet", "efficientnet_b0", "video", RunKind::model, "", {}, ""});
    const RunId audio = s.begin_run({e, "audio-mel", "mel_resnet18", "audio", RunKind::model, "", {}, ""});
    const RunId fusion = s.begin_run({e, "fusion", "mean", "av", RunKind::fusion, "", {}, ""});
    ASSERT_EQ(fusion, 3);   // the examples use run_id = 3
    s.log_predictions(video, "val", {{"a", 1, 0.9}, {"b", 0, 0.6}, {"c", 1, 0.4}, {"d", 0, 0.1}});
    s.log_predictions(audio, "val", {{"a", 1, 0.8}, {"b", 0, 0.2}, {"c", 1, 0.95}, {"d", 0, 0.2}});
    s.log_predictions(fusion, "val", {{"a", 1, 0.85}, {"b", 0, 0.4}, {"c", 1, 0.7}, {"d", 0, 0.15}});
    s.log_epoch_metrics(fusion, 0, {{"train", "loss", 0.5}, {"val", "auc", 0.9}});
    for (RunId r : {video, audio, fusion}) {
      s.log_metrics(r, "val", {{"auc", 0.9}, {"logloss", 0.3}});
      s.finish_run(r, RunStatus::finished);
    }
  }
  Database db(path, SQLITE_OPEN_READONLY);
  for (const auto& q : queries) {
    Statement st = db.prepare(q);
    std::vector<std::string> first_col;
    EXPECT_NO_THROW(while (st.step()) first_col.push_back(st.text_at(0))) << q;
    if (q.find("(a.score >= 0.5) != (b.score >= 0.5)") != std::string::npos) {
      EXPECT_EQ(first_col, (std::vector<std::string>{"c", "b"})) << "ordered by |score difference|";
    }
  }
}

}  // namespace
}  // namespace dflab::store
