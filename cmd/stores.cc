#include "cmd/stores.h"

#include <filesystem>
#include <iostream>
#include <vector>

#include "collector/store/postgres_store.h"

namespace debriefd {

std::optional<OpenedStore> OpenConfiguredStore(const Config& config, bool writer, bool check_later) {
  OpenedStore out;
  if (config.storage_driver == "postgres") {
    Result<std::unique_ptr<PostgresStore>> pg = PostgresStore::Open(config.storage_dsn);
    if (!pg.ok()) {
      std::cerr << pg.status().message() << " (" << RedactDsn(config.storage_dsn) << ")\n";
      return std::nullopt;
    }
    out.name = "postgres " + (*pg)->redacted_dsn();
    out.store = std::move(pg.value());
    return out;
  }
  if (writer) {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::path(config.storage_path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    Result<StoreLock> lock = StoreLock::Acquire(config.storage_path);
    if (!lock.ok()) {
      std::cerr << lock.status().message() << "\n";
      return std::nullopt;
    }
    out.lock = std::move(lock.value());
  }
  SqliteStore::Options options;
  options.full_integrity_check = config.storage_integrity_check;
  options.check_later = check_later;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(config.storage_path, options);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return std::nullopt;
  }
  out.sqlite = store->get();
  out.name = config.storage_path;
  out.store = std::move(store.value());
  return out;
}

namespace {

bool Strip(const std::string& text, const std::string& prefix, std::string* rest) {
  if (text.rfind(prefix, 0) != 0 || text.size() == prefix.size()) return false;
  *rest = text.substr(prefix.size());
  return true;
}

}  // namespace

int MigrateStore(const std::string& from, const std::string& to) {
  std::string path, dsn;
  if (!Strip(from, "sqlite:", &path)) {
    std::cerr << "migrate: --from: give sqlite:PATH (the file at storage.path)\n";
    return 1;
  }
  if (!Strip(to, "postgres:", &dsn)) {
    std::cerr << "migrate: --to: give postgres:DSN (a libpq connection string, as storage.dsn)\n";
    return 1;
  }
  if (std::error_code ec; !std::filesystem::exists(path, ec)) {
    std::cerr << "migrate: " << path << ": no such store\n";
    return 1;
  }
  // The lock keeps a running serve from writing while the history is copied.
  Result<StoreLock> lock = StoreLock::Acquire(path);
  if (!lock.ok()) {
    std::cerr << "migrate: " << lock.status().message() << "\n";
    return 1;
  }
  Result<std::unique_ptr<SqliteStore>> source = SqliteStore::Open(path);
  if (!source.ok()) {
    std::cerr << "migrate: " << source.status().message() << "\n";
    return 1;
  }
  Result<std::unique_ptr<PostgresStore>> target = PostgresStore::Open(dsn);
  if (!target.ok()) {
    std::cerr << "migrate: " << target.status().message() << " (" << RedactDsn(dsn) << ")\n";
    return 1;
  }
  // A migration that was interrupted goes on where it stopped: the target
  // then holds the first N events of the source (seqs are consecutive in
  // both), which the last one of them confirms.
  Result<int64_t> there = (*target)->LastSeq();
  if (!there.ok()) {
    std::cerr << "migrate: " << there.status().message() << "\n";
    return 1;
  }
  auto event_at = [](EventStore& store, int64_t seq) {
    std::optional<StoredEvent> found;
    (void)store.ForEachAfter(seq - 1, [&](const StoredEvent& e) {
      if (e.seq == seq) found = e;
      return Status::Unavailable("");  // one row is enough
    });
    return found;
  };
  if (*there > 0) {
    std::optional<StoredEvent> mine = event_at(**target, *there), theirs = event_at(**source, *there);
    if (!mine || !theirs || mine->dedup_key != theirs->dedup_key) {
      std::cerr << "migrate: " << (*target)->redacted_dsn() << " already holds " << *there
                << " events that are not the start of " << path << "; migrate into an empty database\n";
      return 1;
    }
  }
  Result<EventCounts> counts = (*source)->LoadCounts();
  if (!counts.ok()) {
    std::cerr << "migrate: " << counts.status().message() << "\n";
    return 1;
  }
  // Events go in pages, each a transaction under the log's lock; the counts
  // go with the last page, so they are written once, with the whole history.
  constexpr size_t kPage = 10000;
  std::vector<StoredEvent> page;
  size_t copied = 0;
  Result<int64_t> last = (*source)->LastSeq();
  if (last.ok() && *last == *there && *there > 0) {
    std::cout << "migrate: " << (*target)->redacted_dsn() << " already holds all " << *there << " events of " << path
              << "\n";
    return 0;
  }
  // A full page is written when the next event comes: the last page, never
  // empty, carries the counts.
  Status s = (*source)->ForEachAfter(*there, [&](const StoredEvent& e) {
    if (page.size() == kPage) {
      Status appended = (*target)->Append(page, {});
      if (!appended.ok()) return appended;
      copied += page.size();
      page.clear();
      std::cerr << "migrate: " << *there + static_cast<int64_t>(copied) << " events\n";
    }
    page.push_back(e);
    return Status::Ok();
  });
  if (s.ok()) {
    copied += page.size();
    s = (*target)->Append(page, *counts);
  }
  if (!s.ok()) {
    std::cerr << "migrate: " << s.message() << "; run it again to go on from where it stopped\n";
    return 1;
  }
  std::cout << "migrated " << copied << " events and " << counts->size() << " counts from " << path << " to "
            << (*target)->redacted_dsn() << "\n";
  return 0;
}

}  // namespace debriefd
