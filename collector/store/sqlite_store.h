#pragma once
// EventStore on a SQLite file in WAL mode with synchronous=FULL: a commit
// returns only once the write-ahead log is synced. The schema lives in numbered
// migrations (sqlite_store.cc) tracked by PRAGMA user_version.
//
// Errors name the file: "store: /var/lib/debriefd/debriefd.db: append:
// attempt to write a readonly database".

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "collector/store/content_digest.h"
#include "collector/store/wal_checkpointer.h"
#include "domain/event_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace debriefd {

class SqliteStore final : public EventStore {
 public:
  struct Options {
    // Open runs PRAGMA integrity_check (reads every page and checks every
    // index against its table: minutes on a large store) instead of
    // PRAGMA quick_check (every page, without the index cross-check).
    // Config: storage.integrity_check.
    bool full_integrity_check = false;
    // When non-zero, the file may not grow beyond this many pages (PRAGMA
    // max_page_count): a commit that needs more fails as on a full disk.
    // For tests of the full-store path.
    uint32_t max_page_count = 0;
    // Open skips the check; the owner runs CheckIntegrity (serve opens its
    // port first, then checks the file beside the load).
    bool check_later = false;
    // When the log is checkpointed (a file's store: wal_checkpointer.h).
    WalCheckpointer::Options checkpoints;
  };

  // Opens (creating when missing) the database at `path` (":memory:" works),
  // checks it and migrates it to the latest schema. Creates the parent
  // directory. Refuses, naming the file:
  //   - a file SQLite cannot open or that is not a database (Unavailable);
  //   - a file or folder debriefd cannot write (FailedPrecondition);
  //   - a file whose check finds damage (DataLoss, with SQLite's first
  //     finding, e.g. "row 12 missing from index sqlite_autoindex_events_1").
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path) { return Open(path, Options{}); }
  ~SqliteStore() override;

  Result<bool> Contains(std::string_view dedup_key) override;
  // Compares SHA-256 digests of the stored and the given raw event. Events
  // stored before schema version 2 have no digest and match any content.
  Result<KeyMatch> Match(std::string_view dedup_key, std::string_view raw) override;
  // Appends the events, each with the SHA-256 digest of its raw.
  Status Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) override;
  Status ForEach(const std::function<Status(const StoredEvent&)>& fn) override;
  // Seeks to the first event after `seq` (seq is the table's rowid).
  Status ForEachAfter(int64_t seq, const std::function<Status(const StoredEvent&)>& fn) override;
  Result<EventCounts> LoadCounts() override;
  // A file's snapshot is the file "<path>-snapshot" (snapshot_file.h),
  // marked with the dedup key of the event at `seq`: LoadSnapshot refuses
  // (FailedPrecondition) a snapshot whose event is not the one this database
  // holds at that seq. Open moves a snapshot that an older debriefd kept in
  // table `snapshot` to the file. A ":memory:" store keeps its snapshot in
  // that table (one row, one synced transaction; a snapshot over SQLite's
  // largest value, 1 GB by default, is ResourceExhausted and leaves the
  // previous one).
  Status SaveSnapshot(int64_t seq, std::string_view key, std::string_view data) override;
  Result<std::optional<StoredSnapshot>> LoadSnapshot() override;
  // A file's store: a writer of "<path>-snapshot" (Write is safe in a forked
  // child). Unimplemented for ":memory:".
  Result<std::unique_ptr<SnapshotWriter>> PrepareSnapshot(int64_t seq, std::string_view key) override;
  // Checkpoints run by the checkpoint thread (0 for ":memory:").
  uint64_t background_checkpoints() const { return checkpointer_ ? checkpointer_->checkpoints() : 0; }
  // Where a file's snapshot is kept (empty for ":memory:").
  const std::string& snapshot_path() const { return snapshot_path_; }
  Result<int64_t> LastSeq() override;
  // Compares the (device, inode) the path names now with the file opened:
  // a deleted, moved-away or replaced file is Unavailable. Always OK for
  // ":memory:". Thread-safe.
  Status CheckFile() const override;
  // BEGIN IMMEDIATE: the group's lookups then run in one transaction, not
  // one each (each would take and drop SQLite's locks, a few fcntl calls),
  // and Append commits it. EndGroup rolls back what Append did not commit.
  Status BeginGroup() override;
  void EndGroup() override;

  const std::string& path() const { return path_; }
  // The schema version the file is at.
  int schema_version() const { return schema_version_; }

  // PRAGMA quick_check, or with `full` integrity_check: DataLoss naming the
  // file and SQLite's first finding when the file is damaged. Open runs it
  // unless Options::check_later. On a file, it runs on a connection of its
  // own: callable from another thread while the owner reads (a start checks
  // the file beside IngestService::Load).
  Status CheckIntegrity(bool full);

 private:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Migrate();
  Status Exec(const char* sql);
  Status Error(const char* what) const;
  // The dedup key of the event at `seq` ("" for 0); NotFound when none.
  Result<std::string> MarkAt(int64_t seq);
  // The snapshot in table `snapshot`, and its replacement.
  Result<std::optional<StoredSnapshot>> LoadTableSnapshot();
  Status SaveTableSnapshot(int64_t seq, std::string_view key, std::string_view data);
  // Moves an older debriefd's snapshot from the table to the file.
  Status MoveTableSnapshot();

  sqlite3* db_;
  const std::string path_;
  std::string snapshot_path_;  // set in Open for a file, then immutable
  bool on_disk_ = false;  // set with dev_/ino_ in Open, then immutable
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  sqlite3_stmt* contains_ = nullptr;
  sqlite3_stmt* match_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* count_ = nullptr;
  int schema_version_ = 0;
  bool in_group_ = false;  // BeginGroup's transaction is open
  std::unique_ptr<WalCheckpointer> checkpointer_;  // a file's store only
};

}  // namespace debriefd
