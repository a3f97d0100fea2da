#include "collector/store/sqlite_store.h"

#include <sqlite3.h>

#include <array>
#include <filesystem>

namespace debriefd {
namespace {

// Numbered migrations: index i brings the schema from version i to i + 1.
// Never edit a shipped migration; append a new one.
constexpr std::array<const char*, 1> kMigrations = {
    R"sql(
      CREATE TABLE events (
        seq            INTEGER PRIMARY KEY,
        source         TEXT    NOT NULL,
        dedup_key      TEXT    NOT NULL UNIQUE,
        received_at_ms INTEGER NOT NULL,
        body           TEXT    NOT NULL
      );
      CREATE TABLE event_counts (
        source TEXT    NOT NULL,
        result TEXT    NOT NULL,
        value  INTEGER NOT NULL,
        PRIMARY KEY (source, result)
      );
    )sql",
};

struct Stmt {
  sqlite3_stmt* s;
  explicit Stmt(sqlite3_stmt* stmt) : s(stmt) {}
  ~Stmt() { sqlite3_reset(s); }
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  if (path != ":memory:") {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::Unavailable("cannot open " + path + ": " + msg).WithSource("store");
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (Status s = store->Exec(pragma); !s.ok()) return s;
  }
  if (Status s = store->Migrate(); !s.ok()) return s;
  auto prepare = [&](const char* sql, sqlite3_stmt** out) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, nullptr) == SQLITE_OK;
  };
  if (!prepare("SELECT 1 FROM events WHERE dedup_key = ?1", &store->contains_) ||
      !prepare("INSERT INTO events (source, dedup_key, received_at_ms, body) VALUES (?1, ?2, ?3, ?4)",
               &store->insert_) ||
      !prepare("INSERT INTO event_counts (source, result, value) VALUES (?1, ?2, ?3) "
               "ON CONFLICT (source, result) DO UPDATE SET value = value + excluded.value",
               &store->count_)) {
    return store->Error("prepare");
  }
  return store;
}

SqliteStore::~SqliteStore() {
  sqlite3_finalize(contains_);
  sqlite3_finalize(insert_);
  sqlite3_finalize(count_);
  sqlite3_close(db_);
}

Status SqliteStore::Error(const char* what) const {
  return Status::Unavailable(std::string(what) + ": " + sqlite3_errmsg(db_)).WithSource("store");
}

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Unavailable(msg).WithSource("store");
  }
  return Status::Ok();
}

Status SqliteStore::Migrate() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &st, nullptr) != SQLITE_OK) return Error("migrate");
  int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
  sqlite3_finalize(st);
  if (version > static_cast<int>(kMigrations.size())) {
    return Status::FailedPrecondition("", "schema version " + std::to_string(version) +
                                          " is newer than this debriefd understands")
        .WithSource("store");
  }
  for (size_t i = version; i < kMigrations.size(); ++i) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[i] +
                      "PRAGMA user_version = " + std::to_string(i + 1) + ";COMMIT;";
    if (Status s = Exec(sql.c_str()); !s.ok()) {
      Exec("ROLLBACK");
      return s;
    }
  }
  schema_version_ = static_cast<int>(kMigrations.size());
  return Status::Ok();
}

Result<bool> SqliteStore::Contains(std::string_view dedup_key) {
  Stmt st(contains_);
  sqlite3_bind_text(st.s, 1, dedup_key.data(), static_cast<int>(dedup_key.size()), SQLITE_STATIC);
  int rc = sqlite3_step(st.s);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error("lookup");
}

Status SqliteStore::Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) {
  if (events.empty() && count_deltas.empty()) return Status::Ok();
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](const char* what) {
    Status s = Error(what);
    Exec("ROLLBACK");
    return s;
  };
  for (const StoredEvent& e : events) {
    Stmt st(insert_);
    sqlite3_bind_text(st.s, 1, e.source.data(), static_cast<int>(e.source.size()), SQLITE_STATIC);
    sqlite3_bind_text(st.s, 2, e.dedup_key.data(), static_cast<int>(e.dedup_key.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st.s, 3, e.received_at.time_since_epoch().count());
    sqlite3_bind_text(st.s, 4, e.raw.data(), static_cast<int>(e.raw.size()), SQLITE_STATIC);
    if (sqlite3_step(st.s) != SQLITE_DONE) return fail("append");
  }
  for (const auto& [key, delta] : count_deltas) {
    Stmt st(count_);
    sqlite3_bind_text(st.s, 1, key.first.data(), static_cast<int>(key.first.size()), SQLITE_STATIC);
    sqlite3_bind_text(st.s, 2, key.second.data(), static_cast<int>(key.second.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st.s, 3, static_cast<sqlite3_int64>(delta));
    if (sqlite3_step(st.s) != SQLITE_DONE) return fail("count");
  }
  if (Status s = Exec("COMMIT"); !s.ok()) {
    Exec("ROLLBACK");
    return s;
  }
  return Status::Ok();
}

Status SqliteStore::ForEach(const std::function<Status(const StoredEvent&)>& fn) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT seq, source, dedup_key, received_at_ms, body FROM events ORDER BY seq",
                         -1, &st, nullptr) != SQLITE_OK) {
    return Error("scan");
  }
  Status result;
  StoredEvent e;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    e.seq = sqlite3_column_int64(st, 0);
    e.source.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    e.dedup_key.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
    e.received_at = Time{Duration{sqlite3_column_int64(st, 3)}};
    e.raw.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 4)),
                 static_cast<size_t>(sqlite3_column_bytes(st, 4)));
    result = fn(e);
    if (!result.ok()) break;
  }
  if (result.ok() && rc != SQLITE_DONE) result = Error("scan");
  sqlite3_finalize(st);
  return result;
}

Result<EventCounts> SqliteStore::LoadCounts() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT source, result, value FROM event_counts", -1, &st, nullptr) != SQLITE_OK) {
    return Error("counts");
  }
  EventCounts out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    out[{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
         reinterpret_cast<const char*>(sqlite3_column_text(st, 1))}] =
        static_cast<uint64_t>(sqlite3_column_int64(st, 2));
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace debriefd
