#pragma once
// Snapshots of the tracker (IncidentTracker::SaveSnapshot and RestoreSnapshot,
// tracker_snapshot.cc): a restart restores the latest one and applies only the
// events stored after it, instead of re-parsing and re-applying every event.
//
// A snapshot is only valid for the code and the configuration that made it:
// the same events give other incidents under another policy, other source
// settings or another snapshot format. SnapshotKey names that combination;
// the store keeps it beside the snapshot, and a start whose key differs
// ignores the snapshot and replays every event (then saves a new one).

#include <cstdint>
#include <string>

#include "domain/policy.h"
#include "domain/source_settings.h"

namespace debriefd {

// The layout of SaveSnapshot's bytes. Raised whenever the tracker's state, or
// how it is written, changes: a snapshot of another format is refused.
// 2: alert labels packed (LabelSet); 3: alerts' text and timelines packed
// (IncidentDetail), compressed once settled; 4: optional times in 8 bytes,
// the debrief record apart (Incident::debrief_record).
inline constexpr uint32_t kTrackerSnapshotFormat = 4;

// "v<format>-<hex SHA-256>" of the snapshot format, the Boost.Serialization
// version, every field of `policy`, and of `sources` what changes how a stored
// event is parsed (service rules, environments, options; not the secrets,
// which are checked only when a request arrives, nor config line numbers).
// Equal keys: a snapshot made under one is valid under the other.
std::string SnapshotKey(const Policy& policy, const SourceSettingsMap& sources);

}  // namespace debriefd
