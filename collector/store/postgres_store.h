#pragma once
// EventStore on PostgreSQL, shared by any number of debriefd replicas.
//
// The log: table `events` (seq bigint primary key, dedup_key unique). A group
// takes a transaction-scoped advisory lock (pg_advisory_xact_lock) before it
// reads the head or appends, and assigns seqs max(seq)+1, +2, ... under it:
// seqs are consecutive, and commit in seq order, so every reader sees a
// gap-free prefix of one total order that all replicas (and every restart)
// share. The unique dedup key makes a notification delivered to two replicas
// one stored event, whatever either replica remembers.
//
// Every commit (events, or counts alone) NOTIFYs channel "debriefd_events"
// with the head seq; Watch LISTENs on a connection of its own and calls back
// on each notification (the reader's poll is the safety net for one that is
// missed).
//
// The schema lives in numbered migrations (postgres_store.cc), applied under
// an advisory lock and recorded in table `debriefd_schema_migrations`, so
// replicas that start at once migrate once.
//
// Failures: a connection found broken by a call (one that died while idle,
// in a server restart or failover) is reopened and the call, which had
// committed nothing, tried once more. A call that still fails answers
// Unavailable ("store: postgres: ...") and Health() says why; the next call
// reconnects. Nothing is sticky: when PostgreSQL is back, so is the store.
// The DSN's password never appears in a message.
//
// Not thread-safe (one owner thread) except Health() and Watch's thread.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "domain/event_store.h"

namespace debriefd {

class PostgresStore final : public EventStore {
 public:
  // Connects to `dsn` (a libpq connection string or URI), checks the server
  // encoding (UTF8 or SQL_ASCII: bodies are stored as text) and migrates the
  // schema. Unavailable when the server cannot be reached, FailedPrecondition
  // when its schema is newer than this debriefd.
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& dsn);
  ~PostgresStore() override;

  Result<bool> Contains(std::string_view dedup_key) override;
  Result<KeyMatch> Match(std::string_view dedup_key, std::string_view raw) override;
  // In the open group's transaction when there is one (and commits it),
  // otherwise in one of its own that takes the write lock.
  Status Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) override;
  Status ForEach(const std::function<Status(const StoredEvent&)>& fn) override;
  Status ForEachAfter(int64_t seq, const std::function<Status(const StoredEvent&)>& fn) override;
  Result<EventCounts> LoadCounts() override;
  // One snapshot per state key (replicas with the same config share it); a
  // save never replaces a snapshot of a later seq.
  Status SaveSnapshot(int64_t seq, std::string_view key, std::string_view data) override;
  // The latest snapshot of any key; LoadSnapshotFor: the one saved under `key`.
  Result<std::optional<StoredSnapshot>> LoadSnapshot() override;
  Result<std::optional<StoredSnapshot>> LoadSnapshotFor(std::string_view key) override;
  Result<int64_t> LastSeq() override;

  bool shared() const override { return true; }
  Status BeginGroup() override;
  void EndGroup() override;
  Status Health() const override;
  void Watch(std::function<void()> appended) override;

  // The schema version the database is at.
  int schema_version() const { return schema_version_; }
  // The DSN with any password replaced by "***", for messages.
  const std::string& redacted_dsn() const { return redacted_; }

 private:
  explicit PostgresStore(std::string dsn);
  Status Connect();
  Status Migrate();
  // Runs fn in the open group's transaction, or in one of its own (committed
  // when `write`), turning every libpq failure into Unavailable.
  template <typename F>
  Status Run(const char* what, bool write, F&& fn);
  struct Pg;  // libpqxx's connection and the open group's transaction (postgres_store.cc)
  Status Failed(const char* what, const std::exception& e);
  void Healthy();

  const std::string dsn_;
  const std::string redacted_;
  std::unique_ptr<Pg> pg_;
  bool group_failed_ = false;  // a call of the open group failed: it can only end
  int schema_version_ = 0;

  mutable std::mutex health_mu_;
  Status health_;

  std::atomic<int> own_pid_{0};  // the server process of conn_: Watch skips its notifications
  std::atomic<bool> stop_watch_{false};
  std::thread watcher_;
};

// "password=..." in a key/value DSN and the password of a URI replaced by
// "***": what logs and error messages may show of a DSN.
std::string RedactDsn(const std::string& dsn);

}  // namespace debriefd
