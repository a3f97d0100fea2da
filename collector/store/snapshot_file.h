#pragma once
// The snapshot of a SQLite store, in a file of its own beside the database:
// "<database>-snapshot". It is written to "<database>-snapshot.tmp", synced,
// and renamed over the previous one (then the folder is synced), so a crash at
// any moment leaves the previous snapshot or the new one, never part of one.
//
// Apart from the database because a snapshot of a large history is a hundred
// megabytes and more: in the database it would hold SQLite's one write lock
// for the half second ingest then waits, and be written twice (the
// write-ahead log, then the checkpoint). A file of its own is written once, by
// a forked child, while the writer goes on committing.
//
// Layout: "debriefd-snapshot 1\n" | seq (u64 LE) | key length (u32 LE) | key |
//         mark length (u32 LE) | mark | data length (u64 LE) | data
// `mark` is the dedup key of the event at `seq` (empty for seq 0): a snapshot
// beside a database that does not hold that event at that seq (a database
// restored from an older backup, a snapshot copied from elsewhere) is refused
// instead of trusted. `data` carries its own digest (tracker_snapshot.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/event_store.h"

namespace debriefd {

struct SnapshotFileContent {
  int64_t seq = 0;
  std::string key;
  std::string mark;
  std::string data;
};

// Reads the snapshot at `path`: nullopt when there is no file; DataLoss naming
// the file when it is not a whole snapshot (another layout, truncated).
Result<std::optional<SnapshotFileContent>> ReadSnapshotFile(const std::string& path);

// Writes the snapshot at `path` (see the layout above). The header is built
// here, on the owner thread; Write allocates nothing on its way and takes no
// lock, so a forked child can call it.
class SnapshotFileWriter final : public SnapshotWriter {
 public:
  SnapshotFileWriter(std::string path, int64_t seq, std::string_view key, std::string_view mark);
  // "<path>.tmp": created (or truncated), written and synced.
  Status Write(std::string_view data) override;
  // Renames "<path>.tmp" to `path` and syncs the folder.
  Status Publish() override;

 private:
  std::string path_;
  std::string tmp_;
  std::string head_;  // everything before the data, its length included
};

}  // namespace debriefd
