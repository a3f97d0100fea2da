#include "collector/store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "collector/store/snapshot_file.h"

namespace debriefd {
namespace {

// Numbered migrations: index i brings the schema from version i to i + 1.
// Never edit a shipped migration; append a new one.
constexpr std::array<const char*, 3> kMigrations = {
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
    // 2: the SHA-256 (hex) of each event's body, to tell a re-sent event from
    // a re-used idempotency key. Rows stored before have none.
    R"sql(
      ALTER TABLE events ADD COLUMN digest TEXT;
    )sql",
    // 3: the tracker's latest snapshot (at most one row): the state after
    // event `seq`, valid under `state_key`.
    R"sql(
      CREATE TABLE snapshot (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        seq       INTEGER NOT NULL,
        state_key TEXT    NOT NULL,
        data      BLOB    NOT NULL
      );
    )sql",
};

struct Stmt {
  sqlite3_stmt* s;
  explicit Stmt(sqlite3_stmt* stmt) : s(stmt) {}
  ~Stmt() { sqlite3_reset(s); }
};

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Options options) {
  const bool on_disk = path != ":memory:";
  if (on_disk) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    // SQLite's "unable to open database file" does not say why; errno does.
    if (int err = db ? sqlite3_system_errno(db) : 0; err != 0) msg += std::string(" (") + std::strerror(err) + ")";
    sqlite3_close(db);
    return Status::Unavailable("cannot open " + path + ": " + msg).WithSource("store");
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  // SQLite opens a write-protected file read-only without saying so; every
  // commit would then fail. Refuse now, naming the file.
  if (sqlite3_db_readonly(db, "main") == 1) {
    return Status::FailedPrecondition("", path + ": the file is read-only; debriefd needs to write it (check its "
                                            "permissions and owner)")
        .WithSource("store");
  }
  sqlite3_busy_timeout(db, 5000);
  // A file's write-ahead log is checkpointed into the file once it holds
  // 1,000 pages, by a thread of its own (WalCheckpointer, below); a log that
  // grew past 64 MB (a large import) is cut back to that after a checkpoint.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                             "PRAGMA journal_size_limit=67108864"}) {
    if (Status s = store->Exec(pragma); !s.ok()) return s;
  }
  if (!options.check_later) {
    if (Status s = store->CheckIntegrity(options.full_integrity_check); !s.ok()) return s;
  }
  if (Status s = store->Migrate(); !s.ok()) return s;
  if (options.max_page_count > 0) {
    std::string pragma = "PRAGMA max_page_count=" + std::to_string(options.max_page_count);
    if (Status s = store->Exec(pragma.c_str()); !s.ok()) return s;
  }
  auto prepare = [&](const char* sql, sqlite3_stmt** out) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, nullptr) == SQLITE_OK;
  };
  if (!prepare("SELECT 1 FROM events WHERE dedup_key = ?1", &store->contains_) ||
      !prepare("SELECT digest FROM events WHERE dedup_key = ?1", &store->match_) ||
      !prepare("INSERT INTO events (source, dedup_key, received_at_ms, body, digest) VALUES (?1, ?2, ?3, ?4, ?5)",
               &store->insert_) ||
      !prepare("INSERT INTO event_counts (source, result, value) VALUES (?1, ?2, ?3) "
               "ON CONFLICT (source, result) DO UPDATE SET value = value + excluded.value",
               &store->count_)) {
    return store->Error("prepare");
  }
  if (on_disk) {
    // The identity of the file the connection holds, for CheckFile. The
    // migrations above have created it if it was missing.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return Status::Unavailable("cannot stat " + path + ": " + std::strerror(errno)).WithSource("store");
    }
    store->on_disk_ = true;
    store->dev_ = st.st_dev;
    store->ino_ = st.st_ino;
    Result<std::unique_ptr<WalCheckpointer>> checkpointer = WalCheckpointer::Start(db, path, options.checkpoints);
    if (!checkpointer.ok()) return checkpointer.status();
    store->checkpointer_ = std::move(checkpointer.value());
    store->snapshot_path_ = path + "-snapshot";
    if (Status s = store->MoveTableSnapshot(); !s.ok()) return s;
  }
  return store;
}

// quick_check reads every page and checks each b-tree's structure; a damaged
// page otherwise surfaces only when a commit touches it, as a 503 on every
// write of a process that had answered "ready".
// It runs on a connection of its own (a file's; an in-memory database has
// only the store's), so that a start can check the file while it reads the
// state from it (IngestService::Load): SQLite connections opened without a
// mutex must not be shared between threads.
Status SqliteStore::CheckIntegrity(bool full) {
  const char* sql = full ? "PRAGMA integrity_check(1)" : "PRAGMA quick_check(1)";
  const char* name = full ? "integrity_check" : "quick_check";
  sqlite3* db = db_;
  sqlite3* own = nullptr;
  std::string finding;
  if (path_ != ":memory:" && !path_.empty()) {
    if (sqlite3_open_v2(path_.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      finding = own != nullptr ? sqlite3_errmsg(own) : "cannot open";
    } else {
      sqlite3_busy_timeout(own, 5000);
    }
    db = own;
  }
  sqlite3_stmt* st = nullptr;
  if (!finding.empty()) {
    // The file could not be opened: that is the finding.
  } else if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    finding = sqlite3_errmsg(db);
  } else {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(st, 0);
      std::string first = text ? reinterpret_cast<const char*>(text) : "";
      if (first != "ok") finding = first;
    } else {
      finding = sqlite3_errmsg(db);
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(own);
  if (finding.empty()) return Status::Ok();
  return Status::DataLoss(path_ + ": damaged, refusing to start (PRAGMA " + name + ": " + finding +
                          "); restore it from a backup, or move it aside to start empty")
      .WithSource("store");
}

SqliteStore::~SqliteStore() {
  checkpointer_.reset();  // before the connection it hooks into
  sqlite3_finalize(contains_);
  sqlite3_finalize(match_);
  sqlite3_finalize(insert_);
  sqlite3_finalize(count_);
  sqlite3_close(db_);
}

Status SqliteStore::Error(const char* what) const {
  return Status::Unavailable(path_ + ": " + what + ": " + sqlite3_errmsg(db_)).WithSource("store");
}

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Unavailable(path_ + ": " + msg).WithSource("store");
  }
  return Status::Ok();
}

Status SqliteStore::CheckFile() const {
  if (!on_disk_) return Status::Ok();
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return Status::Unavailable(path_ + " was deleted or moved away while debriefd had it open: events written "
                                         "now would be lost at the next start; restart debriefd")
          .WithSource("store");
    }
    return Status::Unavailable("cannot stat " + path_ + ": " + std::strerror(errno)).WithSource("store");
  }
  if (st.st_dev != dev_ || st.st_ino != ino_) {
    return Status::Unavailable(path_ + " was replaced by another file while debriefd had it open: events written "
                                       "now would not be in it; restart debriefd")
        .WithSource("store");
  }
  return Status::Ok();
}

Status SqliteStore::Migrate() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &st, nullptr) != SQLITE_OK) return Error("migrate");
  int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
  sqlite3_finalize(st);
  if (version > static_cast<int>(kMigrations.size())) {
    return Status::FailedPrecondition("", path_ + ": schema version " + std::to_string(version) +
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

Result<KeyMatch> SqliteStore::Match(std::string_view dedup_key, std::string_view raw) {
  Stmt st(match_);
  sqlite3_bind_text(st.s, 1, dedup_key.data(), static_cast<int>(dedup_key.size()), SQLITE_STATIC);
  int rc = sqlite3_step(st.s);
  if (rc == SQLITE_DONE) return KeyMatch::kAbsent;
  if (rc != SQLITE_ROW) return Error("lookup");
  if (sqlite3_column_type(st.s, 0) == SQLITE_NULL) return KeyMatch::kSameContent;  // stored before schema 2
  std::string_view stored(reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0)),
                          static_cast<size_t>(sqlite3_column_bytes(st.s, 0)));
  return stored == ContentDigest(raw) ? KeyMatch::kSameContent : KeyMatch::kOtherContent;
}

Status SqliteStore::BeginGroup() {
  if (in_group_) return Status::Ok();
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  in_group_ = true;
  return Status::Ok();
}

void SqliteStore::EndGroup() {
  if (!in_group_) return;
  in_group_ = false;
  Exec("ROLLBACK");
}

Status SqliteStore::Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) {
  // Append commits BeginGroup's transaction (or its own) and ends it,
  // whatever it returns.
  if (events.empty() && count_deltas.empty()) {
    EndGroup();
    return Status::Ok();
  }
  if (Status s = BeginGroup(); !s.ok()) return s;
  in_group_ = false;
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
    const std::string digest = ContentDigest(e.raw);
    sqlite3_bind_text(st.s, 5, digest.data(), static_cast<int>(digest.size()), SQLITE_TRANSIENT);
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
  return ForEachAfter(std::numeric_limits<int64_t>::min(), fn);
}

// seq is the rowid: the WHERE clause seeks to the first event after `seq`.
Status SqliteStore::ForEachAfter(int64_t seq, const std::function<Status(const StoredEvent&)>& fn) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT seq, source, dedup_key, received_at_ms, body FROM events WHERE seq > ?1 "
                         "ORDER BY seq",
                         -1, &st, nullptr) != SQLITE_OK) {
    return Error("scan");
  }
  sqlite3_bind_int64(st, 1, seq);
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

Status SqliteStore::SaveTableSnapshot(int64_t seq, std::string_view key, std::string_view data) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO snapshot (id, seq, state_key, data) VALUES (1, ?1, ?2, ?3)",
                         -1, &st, nullptr) != SQLITE_OK) {
    return Error("snapshot");
  }
  sqlite3_bind_int64(st, 1, seq);
  sqlite3_bind_text(st, 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  // SQLite refuses a blob over SQLITE_MAX_LENGTH (1 GB by default) here.
  int rc = sqlite3_bind_blob64(st, 3, data.data(), data.size(), SQLITE_STATIC);
  if (rc == SQLITE_TOOBIG) {
    sqlite3_finalize(st);
    return Status::ResourceExhausted("", path_ + ": snapshot: " + std::to_string(data.size()) +
                                             " bytes are more than SQLite stores in one value")
        .WithSource("store");
  }
  // One statement, one transaction: the old snapshot stays until the new one is synced.
  rc = sqlite3_step(st);
  Status result = rc == SQLITE_DONE ? Status::Ok() : Error("snapshot");
  sqlite3_finalize(st);
  return result;
}

Result<std::optional<StoredSnapshot>> SqliteStore::LoadTableSnapshot() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT seq, state_key FROM snapshot WHERE id = 1", -1, &st, nullptr) != SQLITE_OK) {
    return Error("snapshot");
  }
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_finalize(st);
    return std::optional<StoredSnapshot>{};
  }
  if (rc != SQLITE_ROW) {
    Status s = Error("snapshot");
    sqlite3_finalize(st);
    return s;
  }
  StoredSnapshot snap;
  snap.seq = sqlite3_column_int64(st, 0);
  snap.key.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)),
                  static_cast<size_t>(sqlite3_column_bytes(st, 1)));
  sqlite3_finalize(st);
  // The data through incremental blob I/O, straight into its string: a
  // column read would first hold a copy of its own (hundreds of megabytes at
  // a million events), and fresh pages are most of what a start costs.
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db_, "main", "snapshot", "data", 1, /*flags=*/0, &blob) != SQLITE_OK) {
    Status s = Error("snapshot");
    sqlite3_blob_close(blob);
    return s;
  }
  snap.data.resize(static_cast<size_t>(sqlite3_blob_bytes(blob)));
  rc = snap.data.empty() ? SQLITE_OK : sqlite3_blob_read(blob, snap.data.data(), static_cast<int>(snap.data.size()), 0);
  Status s = rc == SQLITE_OK ? Status::Ok() : Error("snapshot");
  sqlite3_blob_close(blob);
  if (!s.ok()) return s;
  return std::optional<StoredSnapshot>(std::move(snap));
}

Result<std::string> SqliteStore::MarkAt(int64_t seq) {
  if (seq == 0) return std::string();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT dedup_key FROM events WHERE seq = ?1", -1, &st, nullptr) != SQLITE_OK) {
    return Error("snapshot");
  }
  sqlite3_bind_int64(st, 1, seq);
  int rc = sqlite3_step(st);
  Result<std::string> out = Status::NotFound("", path_ + ": no event " + std::to_string(seq));
  if (rc == SQLITE_ROW) {
    out = std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                      static_cast<size_t>(sqlite3_column_bytes(st, 0)));
  } else if (rc != SQLITE_DONE) {
    out = Error("snapshot");
  }
  sqlite3_finalize(st);
  return out;
}

Result<std::unique_ptr<SnapshotWriter>> SqliteStore::PrepareSnapshot(int64_t seq, std::string_view key) {
  if (snapshot_path_.empty()) return EventStore::PrepareSnapshot(seq, key);
  Result<std::string> mark = MarkAt(seq);
  if (!mark.ok()) return mark.status();
  return std::unique_ptr<SnapshotWriter>(std::make_unique<SnapshotFileWriter>(snapshot_path_, seq, key, *mark));
}

Status SqliteStore::SaveSnapshot(int64_t seq, std::string_view key, std::string_view data) {
  if (snapshot_path_.empty()) return SaveTableSnapshot(seq, key, data);
  Result<std::unique_ptr<SnapshotWriter>> writer = PrepareSnapshot(seq, key);
  if (!writer.ok()) return writer.status();
  if (Status s = (*writer)->Write(data); !s.ok()) return s;
  return (*writer)->Publish();
}

Result<std::optional<StoredSnapshot>> SqliteStore::LoadSnapshot() {
  if (snapshot_path_.empty()) return LoadTableSnapshot();
  Result<std::optional<SnapshotFileContent>> file = ReadSnapshotFile(snapshot_path_);
  if (!file.ok()) return file.status();
  if (!file->has_value()) return std::optional<StoredSnapshot>{};
  SnapshotFileContent& snap = **file;
  Result<std::string> mark = MarkAt(snap.seq);
  if (!mark.ok() && mark.status().code() != StatusCode::kNotFound) return mark.status();
  if (!mark.ok() || *mark != snap.mark) {
    return Status::FailedPrecondition("", snapshot_path_ + ": made for other events than " + path_ +
                                              " holds (event " + std::to_string(snap.seq) + " is not \"" +
                                              snap.mark + "\" here)")
        .WithSource("store");
  }
  return std::optional<StoredSnapshot>(StoredSnapshot{snap.seq, std::move(snap.key), std::move(snap.data)});
}

Status SqliteStore::MoveTableSnapshot() {
  Result<std::optional<StoredSnapshot>> old = LoadTableSnapshot();
  if (!old.ok()) return old.status();
  if (!old->has_value()) return Status::Ok();
  const StoredSnapshot& snap = **old;
  // A snapshot of events this file no longer holds is not moved: the start
  // reads every event, as it would have refused the snapshot.
  if (MarkAt(snap.seq).ok()) {
    if (Status s = SaveSnapshot(snap.seq, snap.key, snap.data); !s.ok()) return s;
  }
  return Exec("DELETE FROM snapshot");
}

Result<int64_t> SqliteStore::LastSeq() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX(seq), 0) FROM events", -1, &st, nullptr) != SQLITE_OK) {
    return Error("last seq");
  }
  if (sqlite3_step(st) != SQLITE_ROW) {
    Status s = Error("last seq");
    sqlite3_finalize(st);
    return s;
  }
  const int64_t seq = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return seq;
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
