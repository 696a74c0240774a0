#include "experiments/store/sqlite_handle.h"

#include <sqlite3.h>

#include <utility>

namespace dflab::store {

namespace {

std::string error_text(sqlite3* db, int rc) {
  std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_BUSY)
    msg += " (another process holds the write lock longer than the busy timeout)";
  return msg;
}

std::string shorten(std::string_view sql) {
  std::string s(sql.substr(0, 80));
  for (char& c : s)
    if (c == '\n') c = ' ';
  return sql.size() > 80 ? s + "..." : s;
}

}  // namespace

// --- Statement --------------------------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql, const std::string& db_path)
    : db_(db), db_path_(db_path) {
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    const int code = sqlite3_extended_errcode(db_);
    throw StoreError(db_path_ + ": " + error_text(db_, rc) + " (preparing: " + shorten(sql) + ")", code);
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), db_path_(std::move(other.db_path_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_path_ = std::move(other.db_path_);
  }
  return *this;
}

void Statement::fail(int rc, const char* what) const {
  const int code = sqlite3_extended_errcode(db_);
  std::string sql = stmt_ ? shorten(sqlite3_sql(stmt_)) : std::string();
  throw StoreError(db_path_ + ": " + error_text(db_, rc) + " (" + what + ": " + sql + ")", code);
}

void Statement::bind_null(int index) {
  if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) fail(rc, "binding");
}
void Statement::bind_int64(int index, std::int64_t value) {
  if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) fail(rc, "binding");
}
void Statement::bind_double(int index, double value) {
  if (int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) fail(rc, "binding");
}
void Statement::bind_text(int index, std::string_view value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(rc, "binding");
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Read the message before reset() replaces it.
  const int code = sqlite3_extended_errcode(db_);
  std::string msg = db_path_ + ": " + error_text(db_, rc) + " (running: " + shorten(sqlite3_sql(stmt_)) + ")";
  sqlite3_reset(stmt_);
  throw StoreError(msg, code);
}

void Statement::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

Statement& Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::int64_t Statement::int64_at(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::double_at(int col) const { return sqlite3_column_double(stmt_, col); }
std::string Statement::text_at(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}
std::optional<double> Statement::optional_double_at(int col) const {
  if (is_null(col)) return std::nullopt;
  return double_at(col);
}
std::optional<std::int64_t> Statement::optional_int64_at(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64_at(col);
}
std::optional<std::string> Statement::optional_text_at(int col) const {
  if (is_null(col)) return std::nullopt;
  return text_at(col);
}

// --- Database ---------------------------------------------------------------------------------

Database::Database(const std::string& path, int flags) : path_(path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = path + ": cannot open SQLite database: " + error_text(db_, rc);
    const int code = db_ ? sqlite3_extended_errcode(db_) : rc;
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw StoreError(msg, code);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)), tx_depth_(other.tx_depth_) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    tx_depth_ = other.tx_depth_;
  }
  return *this;
}

void Database::set_busy_timeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

void Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = path_ + ": " + (err ? std::string(err) : error_text(db_, rc));
    if ((rc & 0xff) == SQLITE_BUSY) msg += " (another process holds the write lock longer than the busy timeout)";
    msg += " (running: " + shorten(sql) + ")";
    sqlite3_free(err);
    throw StoreError(msg, sqlite3_extended_errcode(db_));
  }
}

Statement Database::prepare(std::string_view sql) const { return Statement(db_, sql, path_); }

std::string Database::query_text(std::string_view sql) const {
  Statement st = prepare(sql);
  return st.step() ? st.text_at(0) : std::string();
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }
bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// --- Transaction ------------------------------------------------------------------------------

Transaction::Transaction(Database& db) : db_(db), depth_(db.tx_depth_ + 1) {
  if (depth_ == 1) {
    db_.exec("BEGIN IMMEDIATE");
  } else {
    db_.exec("SAVEPOINT dflab_sp_" + std::to_string(depth_));
  }
  db_.tx_depth_ = depth_;
}

Transaction::~Transaction() {
  if (!done_) rollback();
}

void Transaction::commit() {
  if (done_) throw StoreError(db_.path() + ": transaction committed twice");
  if (db_.tx_depth_ != depth_)
    throw StoreError(db_.path() + ": inner transaction still open at commit of an outer one");
  if (depth_ == 1) {
    db_.exec("COMMIT");
  } else {
    db_.exec("RELEASE dflab_sp_" + std::to_string(depth_));
  }
  done_ = true;
  db_.tx_depth_ = depth_ - 1;
}

void Transaction::rollback() noexcept {
  done_ = true;
  db_.tx_depth_ = depth_ - 1;
  // SQLite itself rolls back on some errors (SQLITE_FULL, IOERR, NOMEM, ...); then there is
  // nothing left to undo and ROLLBACK would only fail.
  if (!db_.in_transaction()) return;
  const std::string sql = depth_ == 1 ? std::string("ROLLBACK")
                                      : "ROLLBACK TO dflab_sp_" + std::to_string(depth_) +
                                            "; RELEASE dflab_sp_" + std::to_string(depth_);
  sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
}

}  // namespace dflab::store
