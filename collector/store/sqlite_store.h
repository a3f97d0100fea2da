#pragma once
// EventStore on a SQLite file in WAL mode with synchronous=FULL: a commit
// returns only once the write-ahead log is synced. The schema lives in numbered
// migrations (sqlite_store.cc) tracked by PRAGMA user_version.

#include <memory>
#include <string>

#include "domain/event_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace debriefd {

class SqliteStore final : public EventStore {
 public:
  // Opens (creating when missing) the database at `path` (":memory:" works)
  // and migrates it to the latest schema. Creates the parent directory.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

  Result<bool> Contains(std::string_view dedup_key) override;
  Status Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) override;
  Status ForEach(const std::function<Status(const StoredEvent&)>& fn) override;
  Result<EventCounts> LoadCounts() override;

  // The schema version the file is at.
  int schema_version() const { return schema_version_; }

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  Status Migrate();
  Status Exec(const char* sql);
  Status Error(const char* what) const;

  sqlite3* db_;
  sqlite3_stmt* contains_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* count_ = nullptr;
  int schema_version_ = 0;
};

}  // namespace debriefd
