#pragma once
// The run store's schema as a list of forward migrations. Step i (1-based) takes a database from
// version i-1 to version i; `migrate` applies the missing steps in order inside one transaction and
// records each in the `schema_version` table. A database from a newer dflab is refused.
// experiments/store/SCHEMA.md documents the resulting tables for people using the sqlite3 shell.
//
//   Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
//   migrate(db);                     // no-op when already current
//
// To change the schema, append a step (never edit a released one) and bump nothing else:
// current_schema_version() is the number of steps.

#include <string>
#include <vector>

#include "experiments/store/sqlite_handle.h"

namespace dflab::store {

struct Migration {
  int version;              // the version this step produces
  std::string description;  // one line, recorded in schema_version.description
  std::string sql;          // one or more statements
};

const std::vector<Migration>& migrations();
int current_schema_version();

// Version of the schema in `db`: 0 for an empty database. Throws StoreError when the file holds
// tables but no schema_version table (not a dflab run database).
int schema_version(const Database& db);

// Brings `db` up to current_schema_version(). Throws StoreError, leaving the database untouched,
// when it is newer than this dflab knows or a step fails.
void migrate(Database& db);

// The metric names pivoted into columns of the `leaderboard` view, in column order.
const std::vector<std::string>& leaderboard_view_metrics();

}  // namespace dflab::store
