#pragma once
// The store a config names, opened for a command, and `debriefd migrate`.
//
// storage.driver sqlite: the file at storage.path; writers (serve, replay)
// hold its lock (collector/store/store_lock.h). storage.driver postgres: the
// database at storage.dsn, shared by any number of replicas; no lock.
// Failures are printed to stderr, naming the file or the (redacted) DSN.

#include <memory>
#include <optional>
#include <string>

#include "collector/store/sqlite_store.h"
#include "collector/store/store_lock.h"
#include "config/config.h"
#include "domain/event_store.h"

namespace debriefd {

struct OpenedStore {
  std::optional<StoreLock> lock;   // sqlite writers only
  std::unique_ptr<EventStore> store;
  SqliteStore* sqlite = nullptr;   // store, when it is SQLite
  std::string name;                // the file, or the redacted DSN, for logs
};

// `writer`: takes the SQLite lock. `check_later`: SQLite skips its
// integrity check (serve runs it while loading, after the port opens).
std::optional<OpenedStore> OpenConfiguredStore(const Config& config, bool writer, bool check_later = false);

// debriefd migrate --from sqlite:PATH --to postgres:DSN: copies every event
// (in order, with its time and dedup key) and the event counts into an empty
// PostgreSQL database in one transaction, so that the target either holds
// the whole history or nothing of it. Prints what it did; returns the exit code.
int MigrateStore(const std::string& from, const std::string& to);

}  // namespace debriefd
