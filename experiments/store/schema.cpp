#include "experiments/store/schema.h"

namespace dflab::store {

namespace {

// Released steps are frozen: a database at version N has run exactly steps 1..N, so editing a
// step would make two databases with the same version differ. Add a new step instead.
//
// Times are ISO-8601 UTC text ("2026-11-25T12:30:00.123Z"): sortable, readable in the sqlite3
// shell, and understood by julianday().
const std::vector<Migration> k_migrations = {
    {1, "core tables: experiments, runs, params, epoch_metrics, metrics, predictions, artifacts",
     R"sql(
CREATE TABLE experiments (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  plugin        TEXT NOT NULL DEFAULT '',
  modality      TEXT NOT NULL DEFAULT '',
  kind          TEXT NOT NULL CHECK (kind IN ('model', 'fusion', 'external')),
  config_toml   TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
  started       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished      TEXT,
  host          TEXT NOT NULL DEFAULT '',
  version       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE params (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL,
  value  TEXT NOT NULL,
  UNIQUE (run_id, key)
);
CREATE TABLE epoch_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch  INTEGER NOT NULL,
  split  TEXT NOT NULL,
  name   TEXT NOT NULL,
  value  REAL,
  UNIQUE (run_id, epoch, split, name)
);
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split  TEXT NOT NULL,
  name   TEXT NOT NULL,
  value  REAL,
  UNIQUE (run_id, split, name)
);
CREATE TABLE predictions (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split  TEXT NOT NULL,
  video  TEXT NOT NULL,
  label  INTEGER CHECK (label IN (0, 1)),
  score  REAL NOT NULL,
  UNIQUE (run_id, split, video)
);
CREATE TABLE artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind   TEXT NOT NULL,
  path   TEXT NOT NULL,
  UNIQUE (run_id, kind, path)
);
CREATE INDEX runs_by_experiment ON runs(experiment_id, name);
)sql"},

    {2, "runs.seed and runs.pid (tell runs left running by a dead process), metrics.note, indexes",
     R"sql(
ALTER TABLE runs ADD COLUMN seed INTEGER;
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE metrics ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE INDEX runs_by_status ON runs(status, host);
CREATE INDEX metrics_by_name ON metrics(split, name, value);
)sql"},

    {3, "leaderboard view: one row per finished run and split, main metrics as columns",
     R"sql(
CREATE VIEW leaderboard AS
SELECT r.id AS run_id,
       e.name AS experiment,
       r.name AS run,
       r.kind, r.plugin, r.modality,
       m.split,
       MAX(CASE WHEN m.name = 'logloss'    THEN m.value END) AS logloss,
       MAX(CASE WHEN m.name = 'auc'        THEN m.value END) AS auc,
       MAX(CASE WHEN m.name = 'tpr_at_fpr' THEN m.value END) AS tpr_at_fpr,
       MAX(CASE WHEN m.name = 'eer'        THEN m.value END) AS eer,
       MAX(CASE WHEN m.name = 'f1'         THEN m.value END) AS f1,
       MAX(CASE WHEN m.name = 'accuracy'   THEN m.value END) AS accuracy,
       MAX(CASE WHEN m.name = 'precision'  THEN m.value END) AS precision,
       MAX(CASE WHEN m.name = 'recall'     THEN m.value END) AS recall,
       (julianday(r.finished) - julianday(r.started)) * 86400.0 AS duration_s,
       r.started, r.finished
FROM runs r
JOIN experiments e ON e.id = r.experiment_id
JOIN metrics m ON m.run_id = r.id
WHERE r.status = 'finished'
GROUP BY r.id, m.split;
)sql"},

    {4, "videos: per-video preprocessing outcome of an experiment (status, reason, face thumbnail)",
     R"sql(
CREATE TABLE videos (
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  split         TEXT NOT NULL DEFAULT '',
  video         TEXT NOT NULL,
  label         INTEGER CHECK (label IN (0, 1)),
  video_status  TEXT NOT NULL DEFAULT '',
  video_message TEXT NOT NULL DEFAULT '',
  audio_status  TEXT NOT NULL DEFAULT '',
  audio_message TEXT NOT NULL DEFAULT '',
  thumbnail     TEXT NOT NULL DEFAULT '',
  updated       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (experiment_id, split, video)
);
)sql"},

    {5, "artifacts.sha256: the digest of each checkpoint, checked before it is loaded",
     R"sql(
ALTER TABLE artifacts ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
)sql"},

    // SQLite cannot change a UNIQUE constraint in place: the table is rebuilt (its rows copied
    // with source '') and the view that reads it dropped first and made again, now over the
    // whole-split rows only (source = '') and with frame_auc.
    {6, "the source dimension: metrics.source (per-source metrics, leave-one-source-out), videos.source",
     R"sql(
DROP VIEW leaderboard;
CREATE TABLE metrics_v6 (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  split  TEXT NOT NULL,
  name   TEXT NOT NULL,
  value  REAL,
  note   TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  UNIQUE (run_id, split, source, name)
);
INSERT INTO metrics_v6(run_id, split, name, value, note, source)
  SELECT run_id, split, name, value, note, '' FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_v6 RENAME TO metrics;
CREATE INDEX metrics_by_name ON metrics(split, name, value);
CREATE INDEX metrics_by_source ON metrics(split, source, name);
ALTER TABLE videos ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE VIEW leaderboard AS
SELECT r.id AS run_id,
       e.name AS experiment,
       r.name AS run,
       r.kind, r.plugin, r.modality,
       m.split,
       MAX(CASE WHEN m.name = 'logloss'    THEN m.value END) AS logloss,
       MAX(CASE WHEN m.name = 'auc'        THEN m.value END) AS auc,
       MAX(CASE WHEN m.name = 'tpr_at_fpr' THEN m.value END) AS tpr_at_fpr,
       MAX(CASE WHEN m.name = 'eer'        THEN m.value END) AS eer,
       MAX(CASE WHEN m.name = 'f1'         THEN m.value END) AS f1,
       MAX(CASE WHEN m.name = 'accuracy'   THEN m.value END) AS accuracy,
       MAX(CASE WHEN m.name = 'precision'  THEN m.value END) AS precision,
       MAX(CASE WHEN m.name = 'recall'     THEN m.value END) AS recall,
       MAX(CASE WHEN m.name = 'frame_auc'  THEN m.value END) AS frame_auc,
       (julianday(r.finished) - julianday(r.started)) * 86400.0 AS duration_s,
       r.started, r.finished
FROM runs r
JOIN experiments e ON e.id = r.experiment_id
JOIN metrics m ON m.run_id = r.id
WHERE r.status = 'finished' AND m.source = ''
GROUP BY r.id, m.split;
)sql"},
};

bool table_exists(const Database& db, const char* name) {
  Statement st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st.bind_all(name);
  return st.step();
}

}  // namespace

const std::vector<Migration>& migrations() { return k_migrations; }

int current_schema_version() { return static_cast<int>(k_migrations.size()); }

const std::vector<std::string>& leaderboard_view_metrics() {
  static const std::vector<std::string> names = {"logloss", "auc", "tpr_at_fpr", "eer",
                                                 "f1", "accuracy", "precision", "recall", "frame_auc"};
  return names;
}

int schema_version(const Database& db) {
  if (!table_exists(db, "schema_version")) {
    Statement any = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 1");
    if (any.step())
      throw StoreError(db.path() + ": not a dflab run database (it has tables, e.g. '" + any.text_at(0) +
                       "', but no schema_version table)");
    return 0;
  }
  Statement st = db.prepare("SELECT MAX(version) FROM schema_version");
  return st.step() && !st.is_null(0) ? static_cast<int>(st.int64_at(0)) : 0;
}

void migrate(Database& db) {
  auto check_not_newer = [&](int version) {
    if (version > current_schema_version())
      throw StoreError(db.path() + ": run database has schema version " + std::to_string(version) +
                       " but this dflab understands versions up to " +
                       std::to_string(current_schema_version()) +
                       "; it was written by a newer dflab — upgrade dflab or use another --db");
  };
  // Cheap read first, so opening a current database never takes the write lock.
  int version = schema_version(db);
  check_not_newer(version);
  if (version == current_schema_version()) return;

  Transaction tx(db);
  version = schema_version(db);   // another process may have migrated meanwhile
  check_not_newer(version);
  if (version == 0) {
    db.exec(R"sql(
CREATE TABLE schema_version (
  version     INTEGER PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  applied     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);)sql");
  }
  Statement record = db.prepare("INSERT INTO schema_version(version, description) VALUES (?, ?)");
  for (const Migration& m : k_migrations) {
    if (m.version <= version) continue;
    try {
      db.exec(m.sql);
    } catch (const StoreError& e) {
      throw StoreError(db.path() + ": migration to schema version " + std::to_string(m.version) +
                           " failed: " + e.what(),
                       e.sqlite_code());
    }
    record.bind_all(m.version, m.description).run();
  }
  tx.commit();
}

}  // namespace dflab::store
