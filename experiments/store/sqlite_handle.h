#pragma once
// RAII over the SQLite C API: a connection, a prepared statement, and a transaction guard that
// rolls back when it goes out of scope uncommitted (e.g. during an exception).
//
//   Database db("runs/dflab.sqlite", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
//   db.set_busy_timeout(10000);
//   {
//     Transaction tx(db);                          // BEGIN IMMEDIATE (or a SAVEPOINT if nested)
//     Statement st = db.prepare("INSERT INTO t(a, b) VALUES (?, ?)");
//     for (const auto& [a, b] : rows) st.bind_all(a, b).run();   // run() resets for the next row
//     tx.commit();                                 // without it the destructor rolls back
//   }
//   Statement q = db.prepare("SELECT a, b FROM t WHERE a > ?");
//   q.bind_all(3);
//   while (q.step()) use(q.int64_at(0), q.text_at(1));
//
// Only experiments/store uses this; every error is a StoreError naming the database file.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace dflab::store {

// Any failure of the run store: SQLite errors (with the SQLite result code), a missing or foreign
// database file, a schema too new, an unknown run.
class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& message, int sqlite_code = 0)
      : std::runtime_error(message), sqlite_code_(sqlite_code) {}
  // The extended SQLite result code, 0 when the error did not come from SQLite.
  int sqlite_code() const { return sqlite_code_; }

 private:
  int sqlite_code_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, const std::string& db_path);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based as in SQLite. Integral types bind as INTEGER, floating as REAL
  // (NaN becomes NULL, as SQLite does), strings as TEXT, nullptr / empty optional as NULL.
  template <class T>
  Statement& bind(int index, const T& value);
  // Binds the arguments to parameters 1..n after resetting the statement.
  template <class... Ts>
  Statement& bind_all(const Ts&... values) {
    reset();
    int i = 1;
    (bind(i++, values), ...);
    return *this;
  }

  // Steps once: true when a row is available, false when done. Throws StoreError on failure
  // (including SQLITE_BUSY after the busy timeout).
  bool step();
  // Steps until done (for INSERT/UPDATE/DELETE), then resets so the statement can be reused.
  void run();
  // Resets the statement and clears its bindings.
  Statement& reset();

  // Column accessors (0-based) for the current row.
  bool is_null(int col) const;
  std::int64_t int64_at(int col) const;
  double double_at(int col) const;
  std::string text_at(int col) const;               // NULL → ""
  std::optional<double> optional_double_at(int col) const;
  std::optional<std::int64_t> optional_int64_at(int col) const;
  std::optional<std::string> optional_text_at(int col) const;

 private:
  void bind_null(int index);
  void bind_int64(int index, std::int64_t value);
  void bind_double(int index, double value);
  void bind_text(int index, std::string_view value);
  [[noreturn]] void fail(int rc, const char* what) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string db_path_;
};

template <class T>
Statement& Statement::bind(int index, const T& value) {
  using U = std::decay_t<T>;
  if constexpr (std::is_same_v<U, std::nullptr_t> || std::is_same_v<U, std::nullopt_t>) {
    bind_null(index);
  } else if constexpr (std::is_same_v<U, bool>) {
    bind_int64(index, value ? 1 : 0);
  } else if constexpr (std::is_integral_v<U>) {
    bind_int64(index, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_floating_point_v<U>) {
    bind_double(index, static_cast<double>(value));
  } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
    bind_text(index, std::string_view(value));
  } else {
    // std::optional<X>
    if (value.has_value()) {
      bind(index, *value);
    } else {
      bind_null(index);
    }
  }
  return *this;
}

class Database {
 public:
  // flags: SQLITE_OPEN_READWRITE [| SQLITE_OPEN_CREATE] etc. Throws StoreError on failure.
  Database(const std::string& path, int flags);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  void set_busy_timeout(int milliseconds);
  // Runs one or more SQL statements that return no rows we need.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) const;
  // Value of the first column of the first row of `sql` as text (e.g. a PRAGMA), "" when none.
  std::string query_text(std::string_view sql) const;

  std::int64_t last_insert_rowid() const;
  int changes() const;
  bool in_transaction() const;   // false in autocommit mode
  const std::string& path() const { return path_; }
  sqlite3* get() const { return db_; }

 private:
  friend class Transaction;
  sqlite3* db_ = nullptr;
  std::string path_;
  int tx_depth_ = 0;   // nesting depth of live Transaction guards on this connection
};

// A write transaction. The outermost guard on a connection runs BEGIN IMMEDIATE (takes the write
// lock up front, so a WAL reader never has to upgrade and fail with SQLITE_BUSY_SNAPSHOT); nested
// guards become SAVEPOINTs, so library calls that open their own transaction compose with a
// caller's. The destructor rolls back anything not committed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  void rollback() noexcept;
  Database& db_;
  int depth_;          // 1 for the outermost guard
  bool done_ = false;
};

}  // namespace dflab::store
