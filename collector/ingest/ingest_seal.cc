// The sealer: compresses counted incidents' records (IncidentDetail::Seal)
// without holding the state lock while zlib runs.
//
// Sealed under the lock, an alert storm's incident (80,000 alerts, about
// 14 MB of records) held every reader for tens of milliseconds: the scrape
// right after a restart (whose Advance counts it) and, live, whichever read
// or group counted it. Here the lock is held to copy one slice (kSlice, a fraction of
// a millisecond) and to install the stream; zlib runs between them.
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <mutex>

#include "collector/ingest/ingest_service.h"

namespace debriefd {
namespace {

constexpr size_t kSlice = size_t{1} << 20;
// A seal that frees at least this much hands the pages back to the system.
constexpr size_t kReleaseAfter = size_t{4} << 20;
// Below the request threads, as the WAL checkpoint thread: nothing waits
// for a seal, and an unsealed incident only takes more memory meanwhile.
constexpr int kSealerNice = 5;

}  // namespace
}  // namespace debriefd

// jemalloc's control interface, when debriefd is linked with it (cmd/): weak,
// so that the collector needs no jemalloc to build or to run its tests.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace debriefd {
namespace {

// The records a seal frees were allocated by the thread that appended them
// (the writer, or the loader at a start), and go back to that thread's
// arena. jemalloc returns such pages to the system only as that arena is
// used again, which a loader that has ended never does: a storm's
// incident sealed after a restart would keep its tens of megabytes resident.
void ReleaseFreedPages() {
  if (mallctl != nullptr) (void)mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // 4096: every arena
}

}  // namespace

void IngestService::SealLoop() {
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kSealerNice);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    seal_cv_.wait(lock, [this] { return !sealing_ || tracker_->has_unsealed(); });
    if (!sealing_) break;
    const size_t idx = tracker_->TakeUnsealed();
    seal_in_hand_ = true;
    SealOne(lock, idx);
    seal_in_hand_ = false;
    sealed_cv_.notify_all();
  }
  sealed_cv_.notify_all();
}

bool IngestService::WaitForSeals(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(mu_);
  return sealed_cv_.wait_for(lock, limit,
                             [this] { return !sealing_ || (!seal_in_hand_ && !tracker_->has_unsealed()); });
}

// Holds `lock` (on mu_) on entry and on return. The work is dropped when the
// state is replaced meanwhile (a rebuilt tracker lists its own); a Stop
// waits for the incident in hand, so none is left unlisted and unsealed.
void IngestService::SealOne(std::unique_lock<std::mutex>& lock, size_t idx) {
  const uint64_t generation = generation_;
  auto same = [&] { return generation_ == generation; };
  IncidentDetail::Sealing sealing(tracker_->incidents()[idx].detail);
  for (bool more = true; more;) {
    more = sealing.Take(tracker_->incidents()[idx].detail, kSlice);
    lock.unlock();
    sealing.Compress();
    lock.lock();
    if (!same()) return;
  }
  lock.unlock();
  const bool finished = sealing.Finish();
  lock.lock();
  if (!same() || !finished) return;
  if (!sealing.Install(tracker_->detail_to_seal(idx))) {
    spdlog::debug("incident {}: its records changed while they were sealed; left open",
                  tracker_->incidents()[idx].id);
    return;
  }
  ++seals_;
  spdlog::debug("incident {}: {} bytes of records sealed into {}", tracker_->incidents()[idx].id, sealing.taken(),
                tracker_->incidents()[idx].detail.size());
  if (sealing.taken() >= kReleaseAfter) {
    lock.unlock();
    ReleaseFreedPages();
    lock.lock();
  }
}

}  // namespace debriefd
