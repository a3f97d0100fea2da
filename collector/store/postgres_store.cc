#include "collector/store/postgres_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <pqxx/pqxx>
#include <regex>

#include "collector/store/content_digest.h"

namespace debriefd {
namespace {

// Numbered migrations: index i brings the schema from version i to i + 1.
// Never edit a shipped migration; append a new one. The same tables as
// SQLite's (sqlite_store.cc), except that snapshots are kept per state key:
// replicas with different configs share one database.
constexpr std::array<const char*, 1> kMigrations = {
    R"sql(
      CREATE TABLE events (
        seq            bigint PRIMARY KEY,
        source         text   NOT NULL,
        dedup_key      text   NOT NULL UNIQUE,
        received_at_ms bigint NOT NULL,
        body           text   NOT NULL,
        digest         text   NOT NULL
      );
      CREATE TABLE event_counts (
        source text   NOT NULL,
        result text   NOT NULL,
        value  bigint NOT NULL,
        PRIMARY KEY (source, result)
      );
      CREATE TABLE snapshots (
        state_key text        PRIMARY KEY,
        seq       bigint      NOT NULL,
        data      bytea       NOT NULL,
        saved_at  timestamptz NOT NULL DEFAULT now()
      );
    )sql",
};

// pg_advisory_xact_lock keys: "debriefd" and "dbrfmigr" as big-endian int64.
constexpr const char* kLockLog = "SELECT pg_advisory_xact_lock(7234296619974616676)";
constexpr const char* kLockMigrations = "SELECT pg_advisory_xact_lock(7233469735758292850)";
constexpr const char* kChannel = "debriefd_events";
// Rows per INSERT (5 parameters each; PostgreSQL takes at most 65535), and
// per page of a scan (a million events are never held at once).
constexpr size_t kInsertRows = 1000;
constexpr int kScanRows = 5000;

std::string Str(std::string_view v) { return std::string(v); }

StoredEvent RowToEvent(const pqxx::row& r) {
  StoredEvent e;
  e.seq = r[0].as<int64_t>();
  e.source = r[1].c_str();
  e.dedup_key = r[2].c_str();
  e.received_at = Time{Duration{r[3].as<int64_t>()}};
  e.raw.assign(r[4].c_str(), r[4].size());
  return e;
}

class Listener final : public pqxx::notification_receiver {
 public:
  Listener(pqxx::connection_base& c, std::function<void(int)> fn)
      : pqxx::notification_receiver(c, kChannel), fn_(std::move(fn)) {}
  void operator()(const std::string&, int backend_pid) override { fn_(backend_pid); }

 private:
  std::function<void(int)> fn_;
};

}  // namespace

struct PostgresStore::Pg {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<pqxx::work> group;  // the open group's transaction (destroyed before conn)
};

std::string RedactDsn(const std::string& dsn) {
  static const std::regex kv(R"((password\s*=\s*)('(\\.|[^'])*'|\S+))", std::regex::icase);
  static const std::regex uri(R"(^(postgres(ql)?://[^:/@]*:)[^@]*@)", std::regex::icase);
  std::string out = std::regex_replace(dsn, uri, "$1***@");
  return std::regex_replace(out, kv, "$1***");
}

PostgresStore::PostgresStore(std::string dsn)
    : dsn_(std::move(dsn)), redacted_(RedactDsn(dsn_)), pg_(std::make_unique<Pg>()) {}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& dsn) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(dsn));
  if (Status s = store->Connect(); !s.ok()) return s;
  try {
    const std::string encoding = pqxx::nontransaction(*store->pg_->conn).exec1("SHOW server_encoding")[0].c_str();
    if (encoding != "UTF8" && encoding != "SQL_ASCII") {
      return Status::FailedPrecondition("", "postgres " + store->redacted_ + ": server_encoding is " + encoding +
                                                "; debriefd stores event bodies as text and needs UTF8")
          .WithSource("store");
    }
  } catch (const std::exception& e) {
    return store->Failed("encoding", e);
  }
  if (Status s = store->Migrate(); !s.ok()) return s;
  return store;
}

PostgresStore::~PostgresStore() {
  stop_watch_ = true;
  if (watcher_.joinable()) watcher_.join();
  pg_->group.reset();
}

Status PostgresStore::Connect() {
  pg_->group.reset();
  pg_->conn.reset();
  try {
    pg_->conn = std::make_unique<pqxx::connection>(dsn_);
    // A generic plan made while `events` was small scans the whole table for
    // "seq > $1" ever after; each call's own plan uses the index.
    pqxx::nontransaction(*pg_->conn).exec("SET plan_cache_mode = force_custom_plan");
    pg_->conn->prepare("match", "SELECT digest FROM events WHERE dedup_key = $1");
    pg_->conn->prepare("count",
                   "INSERT INTO event_counts (source, result, value) VALUES ($1, $2, $3) "
                   "ON CONFLICT (source, result) DO UPDATE SET value = event_counts.value + excluded.value");
    pg_->conn->prepare("scan",
                   "SELECT seq, source, dedup_key, received_at_ms, body FROM events WHERE seq > $1 ORDER BY seq "
                   "LIMIT " + std::to_string(kScanRows));
    own_pid_ = pg_->conn->backendpid();
  } catch (const std::exception& e) {
    pg_->conn.reset();
    return Failed("connect", e);
  }
  return Status::Ok();
}

Status PostgresStore::Failed(const char* what, const std::exception& e) {
  std::string msg = e.what();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // libpq's messages may quote the connection string.
  if (!dsn_.empty() && dsn_ != redacted_) {
    for (size_t at = msg.find(dsn_); at != std::string::npos; at = msg.find(dsn_, at + redacted_.size())) {
      msg.replace(at, dsn_.size(), redacted_);
    }
  }
  if (pg_->group != nullptr) group_failed_ = true;
  pg_->group.reset();  // (before the connection it belongs to)
  // A broken connection, or one whose last commit is in doubt, is reopened
  // at the next call.
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    pg_->conn.reset();
  }
  Status s = Status::Unavailable("postgres: " + std::string(what) + ": " + msg).WithSource("store");
  std::lock_guard<std::mutex> lock(health_mu_);
  health_ = s;
  return s;
}

void PostgresStore::Healthy() {
  std::lock_guard<std::mutex> lock(health_mu_);
  health_ = Status::Ok();
}

Status PostgresStore::Health() const {
  std::lock_guard<std::mutex> lock(health_mu_);
  return health_;
}

// Replicas that start together migrate once: the first takes the lock and
// migrates, the others then find the schema current.
Status PostgresStore::Migrate() {
  try {
    pqxx::work w(*pg_->conn);
    w.exec(kLockMigrations);
    w.exec(
        "CREATE TABLE IF NOT EXISTS debriefd_schema_migrations ("
        "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    int version = w.exec1("SELECT COALESCE(MAX(version), 0) FROM debriefd_schema_migrations")[0].as<int>();
    if (version > static_cast<int>(kMigrations.size())) {
      return Status::FailedPrecondition("", "postgres " + redacted_ + ": schema version " + std::to_string(version) +
                                                " is newer than this debriefd understands")
          .WithSource("store");
    }
    for (size_t i = static_cast<size_t>(version); i < kMigrations.size(); ++i) {
      w.exec(kMigrations[i]);
      w.exec_params("INSERT INTO debriefd_schema_migrations (version) VALUES ($1)", static_cast<int>(i + 1));
    }
    w.commit();
    schema_version_ = static_cast<int>(kMigrations.size());
  } catch (const std::exception& e) {
    return Failed("migrate", e);
  }
  Healthy();
  return Status::Ok();
}

// Every call goes through here: the open group's transaction, or a
// transaction of its own (taking the log's write lock when it writes).
template <typename F>
Status PostgresStore::Run(const char* what, bool write, F&& fn) {
  if (group_failed_) {
    return Status::Unavailable("postgres: " + std::string(what) + ": an earlier statement of this group failed")
        .WithSource("store");
  }
  try {
    if (pg_->conn == nullptr) {
      if (Status s = Connect(); !s.ok()) return s;
    }
    if (pg_->group != nullptr) {
      Status s = fn(*pg_->group);
      if (s.ok()) Healthy();
      return s;
    }
    for (int attempt = 0;; ++attempt) {
      try {
        pqxx::work w(*pg_->conn);
        if (write) w.exec(kLockLog);
        Status s = fn(w);
        if (!s.ok()) return s;  // rolled back by w's destructor
        w.commit();
        Healthy();
        return s;
      } catch (const pqxx::broken_connection&) {
        // A connection that died while idle (a server restart, a failover)
        // is found at its first use: open a new one and try once more.
        if (attempt > 0 || !Connect().ok()) throw;
      }
    }
  } catch (const std::exception& e) {
    return Failed(what, e);
  }
}


Status PostgresStore::BeginGroup() {
  if (pg_->group != nullptr) EndGroup();
  group_failed_ = false;
  try {
    if (pg_->conn == nullptr) {
      if (Status s = Connect(); !s.ok()) return s;
    }
    try {
      pg_->group = std::make_unique<pqxx::work>(*pg_->conn);
      pg_->group->exec(kLockLog);
    } catch (const pqxx::broken_connection&) {
      pg_->group.reset();  // as in Run: a connection that died while idle gets one retry
      if (!Connect().ok()) throw;
      pg_->group = std::make_unique<pqxx::work>(*pg_->conn);
      pg_->group->exec(kLockLog);
    }
  } catch (const std::exception& e) {
    return Failed("begin", e);
  }
  Healthy();
  return Status::Ok();
}

void PostgresStore::EndGroup() {
  group_failed_ = false;
  if (pg_->group == nullptr) return;
  try {
    pg_->group->abort();
  } catch (const std::exception& e) {
    (void)Failed("end", e);
  }
  pg_->group.reset();
}

Result<bool> PostgresStore::Contains(std::string_view dedup_key) {
  Result<KeyMatch> m = Match(dedup_key, {});
  if (!m.ok()) return m.status();
  return *m != KeyMatch::kAbsent;
}

Result<KeyMatch> PostgresStore::Match(std::string_view dedup_key, std::string_view raw) {
  KeyMatch match = KeyMatch::kAbsent;
  Status s = Run("lookup", false, [&](pqxx::work& w) {
    pqxx::result r = w.exec_prepared("match", Str(dedup_key));
    if (r.empty()) return Status::Ok();
    match = r[0][0].c_str() == ContentDigest(raw) ? KeyMatch::kSameContent : KeyMatch::kOtherContent;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return match;
}

// Seqs continue from the largest stored one, read under the write lock that
// every appender takes: they are consecutive and commit in order. A second
// append of a stored dedup key (a writer that skipped Match) fails on the
// unique index and rolls the whole group back.
Status PostgresStore::Append(const std::vector<StoredEvent>& events, const EventCounts& count_deltas) {
  if (events.empty() && count_deltas.empty()) {
    EndGroup();
    return Status::Ok();
  }
  auto write = [&](pqxx::work& w) {
    for (size_t from = 0; from < events.size(); from += kInsertRows) {
      const size_t n = std::min(kInsertRows, events.size() - from);
      std::string sql =
          "INSERT INTO events (seq, source, dedup_key, received_at_ms, body, digest) "
          "SELECT h.m + v.n, v.source, v.dedup_key, v.at, v.body, v.digest "
          "FROM (SELECT COALESCE(MAX(seq), 0) AS m FROM events) h, (VALUES ";
      std::vector<std::string> params;
      params.reserve(5 * n);
      for (size_t i = 0; i < n; ++i) {
        const StoredEvent& e = events[from + i];
        const size_t p = 5 * i;
        sql += fmt::format("{}({}, ${}::text, ${}::text, ${}::bigint, ${}::text, ${}::text)", i ? "," : "", i + 1,
                           p + 1, p + 2, p + 3, p + 4, p + 5);
        params.push_back(e.source);
        params.push_back(e.dedup_key);
        params.push_back(std::to_string(e.received_at.time_since_epoch().count()));
        params.push_back(e.raw);
        params.push_back(ContentDigest(e.raw));
      }
      sql += ") AS v(n, source, dedup_key, at, body, digest)";
      w.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    }
    for (const auto& [key, delta] : count_deltas) {
      w.exec_prepared("count", key.first, key.second, static_cast<long long>(delta));
    }
    // Delivered to every listener when (and only if) the transaction commits;
    // counts alone too, so that the others re-read them at once.
    w.exec("SELECT pg_notify('debriefd_events', (SELECT COALESCE(MAX(seq), 0) FROM events)::text)");
    return Status::Ok();
  };
  if (pg_->group == nullptr) return Run("append", true, write);
  Status s = Run("append", true, write);
  if (!s.ok()) return s;
  try {
    pg_->group->commit();
    pg_->group.reset();
  } catch (const std::exception& e) {
    // pqxx::in_doubt_error included: the caller answers 503, and a retry
    // finds the events stored if the commit did happen.
    return Failed("commit", e);
  }
  Healthy();
  return Status::Ok();
}

Status PostgresStore::ForEach(const std::function<Status(const StoredEvent&)>& fn) { return ForEachAfter(0, fn); }

// Page by page: each page starts after the last seq seen, so events that
// commit meanwhile (always after the visible prefix) are read too.
Status PostgresStore::ForEachAfter(int64_t seq, const std::function<Status(const StoredEvent&)>& fn) {
  int64_t after = seq;
  for (;;) {
    std::vector<StoredEvent> page;
    Status s = Run("scan", false, [&](pqxx::work& w) {
      pqxx::result r = w.exec_prepared("scan", static_cast<long long>(after));
      page.reserve(r.size());
      for (const pqxx::row& row : r) page.push_back(RowToEvent(row));
      return Status::Ok();
    });
    if (!s.ok()) return s;
    for (const StoredEvent& e : page) {
      after = e.seq;
      if (Status callback = fn(e); !callback.ok()) return callback;
    }
    if (page.size() < static_cast<size_t>(kScanRows)) return Status::Ok();
  }
}

Result<EventCounts> PostgresStore::LoadCounts() {
  EventCounts out;
  Status s = Run("counts", false, [&](pqxx::work& w) {
    for (const pqxx::row& r : w.exec("SELECT source, result, value FROM event_counts")) {
      out[{r[0].c_str(), r[1].c_str()}] = static_cast<uint64_t>(r[2].as<int64_t>());
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PostgresStore::SaveSnapshot(int64_t seq, std::string_view key, std::string_view data) {
  // Not under the log's lock: a snapshot changes no event, and a save of
  // hundreds of megabytes must not hold up the other replicas' commits.
  return Run("snapshot", false, [&](pqxx::work& w) {
    w.exec_params(
        "INSERT INTO snapshots (state_key, seq, data) VALUES ($1, $2, $3) "
        "ON CONFLICT (state_key) DO UPDATE SET seq = excluded.seq, data = excluded.data, saved_at = now() "
        "WHERE snapshots.seq < excluded.seq",
        Str(key), static_cast<long long>(seq), pqxx::binarystring(data.data(), data.size()));
    return Status::Ok();
  });
}

Result<std::optional<StoredSnapshot>> PostgresStore::LoadSnapshot() {
  std::optional<StoredSnapshot> out;
  Status s = Run("snapshot", false, [&](pqxx::work& w) {
    pqxx::result r = w.exec("SELECT seq, state_key, data FROM snapshots ORDER BY seq DESC LIMIT 1");
    if (r.empty()) return Status::Ok();
    pqxx::binarystring data(r[0][2]);
    out = StoredSnapshot{r[0][0].as<int64_t>(), r[0][1].c_str(), data.str()};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<StoredSnapshot>> PostgresStore::LoadSnapshotFor(std::string_view key) {
  std::optional<StoredSnapshot> out;
  Status s = Run("snapshot", false, [&](pqxx::work& w) {
    pqxx::result r = w.exec_params("SELECT seq, data FROM snapshots WHERE state_key = $1", Str(key));
    if (r.empty()) return Status::Ok();
    pqxx::binarystring data(r[0][1]);
    out = StoredSnapshot{r[0][0].as<int64_t>(), Str(key), data.str()};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> PostgresStore::LastSeq() {
  int64_t seq = 0;
  Status s = Run("last seq", false, [&](pqxx::work& w) {
    seq = w.exec1("SELECT COALESCE(MAX(seq), 0) FROM events")[0].as<int64_t>();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return seq;
}

// A connection of its own that LISTENs. After each (re)connect it calls back
// once, for what was committed while it was not listening. Notifications
// of this store's own commits are skipped: its owner has applied them.
void PostgresStore::Watch(std::function<void()> appended) {
  if (watcher_.joinable()) {
    stop_watch_ = true;
    watcher_.join();
  }
  stop_watch_ = false;
  if (!appended) return;
  watcher_ = std::thread([this, appended = std::move(appended)] {
    auto pause = [this] {
      for (int i = 0; i < 10 && !stop_watch_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    };
    while (!stop_watch_) {
      try {
        pqxx::connection c(dsn_);
        Listener listener(c, [this, &appended](int pid) {
          if (pid != own_pid_) appended();
        });
        appended();
        while (!stop_watch_) c.await_notification(0, 200000);
      } catch (const std::exception& e) {
        spdlog::debug("store: postgres: listen: {}", e.what());
        pause();
      }
    }
  });
}

}  // namespace debriefd
