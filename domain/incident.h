#pragma once
// An incident as the tracker keeps it, and the views derived from it at a given
// time (clocking against goals, debrief and checkpoint status).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"
#include "domain/boxed.h"
#include "domain/time.h"

namespace debriefd {

// An alert's labels, sorted by name, packed into one string: an incident may
// hold thousands of alerts, and a map of strings costs about 100 bytes a label
// in nodes and allocations.
class LabelSet {
 public:
  LabelSet() = default;
  explicit LabelSet(const std::map<std::string, std::string>& labels);
  // Calls fn(name, value) for each label, sorted by name.
  template <typename F>
  void ForEach(F&& fn) const {
    std::string_view rest = packed_;
    while (!rest.empty()) {
      std::string_view name, value;
      if (!Take(rest, name) || !Take(rest, value)) return;
      fn(name, value);
    }
  }
  std::map<std::string, std::string> ToMap() const;
  bool empty() const { return packed_.empty(); }
  // Each name and value as its length (LEB128) and bytes; what snapshots
  // keep. Malformed bytes end ForEach early, never read past the end.
  std::string& packed() { return packed_; }
  const std::string& packed() const { return packed_; }

 private:
  static bool Take(std::string_view& rest, std::string_view& out);
  std::string packed_;
};

// One firing period of an alert (an instance), as the tracker's rules read
// it. Its text (fingerprint, name, labels, summary, link) is kept apart, in
// the incident's IncidentDetail, in the same order as Incident::alerts.
struct AlertInstance {
  Time starts_at{};  // when the alert started firing (Prometheus' startsAt)
  Time onset{};      // starts_at minus the rule's pending (`for:`) duration
  OptionalTime ends_at;
  bool resolved = false;
  // A newer startsAt of the same fingerprint took its place before its
  // resolution came (flapping inside one group interval): it no longer keeps
  // the incident open, while its onset still counts for the start.
  bool replaced = false;

  // Whether the incident still waits for this instance's resolution.
  bool firing() const { return !resolved && !replaced; }
};

// An alert instance with its text: what the API and pages show.
struct AlertDetail : AlertInstance {
  std::string fingerprint;
  std::string alertname;
  LabelSet labels;
  std::string summary;
  std::string generator_url;
};

struct TimelineEntry {
  Time time{};
  std::string kind;    // e.g. "alert.firing", "incident.acknowledged", "reopened"
  std::string detail;  // alertname, change id, url, ...
};

// The text of an incident's alerts and its timeline, as records packed into
// one string (incident_detail.cc), not as thousands of small strings: it is
// most of an incident's memory, and only readers of one incident (the API's
// detail, pages, reports) decode it. Seal() compresses what is there once an
// incident has settled; records added later stay uncompressed after it.
class IncidentDetail {
 public:
  struct AlertText {
    std::string fingerprint;
    std::string alertname;
    LabelSet labels;
    std::string summary;
    std::string generator_url;
  };
  void AddAlert(std::string_view fingerprint, std::string_view alertname, const LabelSet& labels,
                std::string_view summary, std::string_view generator_url);
  void AddTimeline(Time time, std::string_view kind, std::string_view detail);
  // In the order they were added.
  std::vector<AlertText> Alerts() const;
  std::vector<TimelineEntry> Timeline() const;
  // Compresses the records held so far (zlib). Idempotent on what is sealed.
  void Seal();

  // Sealing in steps, for an owner whose readers must not wait while an
  // incident of hundreds of megabytes of records is compressed (an alert
  // storm's): the constructor, Take and Install run under the owner's lock,
  // Compress and Finish without it (collector/ingest/ingest_seal.cc). Records
  // appended between Take and Install stay open after it. Seal() is the same
  // steps in one go.
  class Sealing {
   public:
    explicit Sealing(const IncidentDetail& d);  // copies the sealed bytes (compressed)
    ~Sealing();
    Sealing(const Sealing&) = delete;
    Sealing& operator=(const Sealing&) = delete;
    // Copies up to `max` bytes of the records not taken yet; false when none remain.
    bool Take(const IncidentDetail& d, size_t max);
    // Compresses what was taken so far.
    void Compress();
    // Compresses the rest and ends the stream; false when zlib failed (Install then does nothing).
    bool Finish();
    // Replaces the sealed bytes and the records taken with the stream, when
    // `d` changed only by appends since the constructor; false (and `d` as
    // it was) otherwise.
    bool Install(IncidentDetail& d);
    size_t taken() const;

   private:
    struct State;
    std::unique_ptr<State> s_;
  };
  // Bytes held, compressed or not.
  size_t size() const;

  // For snapshots (tracker_snapshot.cc): the compressed records (the
  // uncompressed length as LEB128, then a zlib stream; empty when nothing is
  // sealed) and the records added after them. Damaged bytes end the decoding
  // early; they are never read past their end.
  std::string& sealed() { return sealed_; }
  std::string OpenRecords() const;  // the records after the sealed ones, in one string
  size_t open_size() const { return size() - sealed_.size(); }
  void SetOpenRecords(std::string records);
  bool is_sealed() const { return !sealed_.empty(); }

  // Records past this many unsealed bytes go to chunks of about this size.
  static constexpr size_t kChunk = size_t{1} << 20;

 private:
  // Where the next record goes: open_ until it holds kChunk bytes, then the
  // last chunk of spill_. An alert storm's incident takes hundreds of
  // megabytes of records before it settles, and one string would now and
  // then double: copy all of it and fault in twice as much, with the writer
  // holding the state lock. Nearly every incident stays within open_, and
  // pays a pointer for the chunks it never has.
  std::string& Tail();
  // Calls on_alert(AlertText&&) and on_entry(TimelineEntry&&) for each record, in order.
  template <class A, class T>
  void DecodeAll(A&& on_alert, T&& on_entry) const;
  // Appends `n` bytes of the open records from `from` on to `out`.
  void CopyOpen(size_t from, size_t n, std::string& out) const;

  std::string sealed_;
  std::string open_;
  Boxed<std::vector<std::string>> spill_;
};

// What happened to an action item, in the order it was applied.
struct ActionItemStep {
  enum class Kind { kOpened, kClosed, kReopened, kWithdrawn };
  Kind kind = Kind::kOpened;
  Time time{};
};

enum class ActionItemState { kNone, kOpen, kClosed, kWithdrawn };
const char* ToString(ActionItemState s);

struct ActionItem {
  std::string id;
  std::string incident_id;  // empty: unlinked (a tracker issue that names no known incident)
  std::string service;
  std::string title;
  std::string url;
  std::vector<std::string> labels;
  std::string source;  // "events" for native items, else the tracker's source ("jira", ...)
  // The service the source's mapping gives a tracker issue: it counts there
  // while unlinked, and its series stay (at zero) once it is linked.
  std::string source_service;
  Time opened_at{};    // the latest opening (a withdrawn item labelled again opens anew)
  Time due_at{};
  std::optional<Time> closed_at;  // set while closed
  bool withdrawn = false;         // its label was removed or the issue deleted
  std::vector<ActionItemStep> steps;

  bool linked() const { return !incident_id.empty(); }
  bool open() const { return !closed_at.has_value() && !withdrawn; }
  bool OverdueAt(Time now) const { return open() && now > due_at; }
  ActionItemState state() const;
  // The state at `t` from its steps: kNone before its first opening.
  ActionItemState StateAt(Time t) const;
  // True when one of its steps of `kind` falls in [from, to).
  bool HasStepIn(ActionItemStep::Kind kind, Time from, Time to) const;
};

// What an incident's debrief loop recorded (see Incident::debrief()).
struct DebriefRecord {
  OptionalTime corrected_started_at;  // from the debrief's timeline
  std::optional<std::string> confirmed_cause_id;
  OptionalTime debrief_completed_at;
  std::string debrief_url;
  OptionalTime debrief_waived_at;
  std::string debrief_waive_reason;
  OptionalTime checkpoint_completed_at;
  std::string checkpoint_notes;
  std::optional<Impact> impact;
  std::vector<std::string> action_item_ids;
};

// Incident::tally_key of an incident that no tracker numbered.
inline constexpr uint32_t kNoTallyKey = UINT32_MAX;

struct Incident {
  // First, what a walk over every incident reads (counters.h, GaugeWalk:
  // each scrape of /metrics): at 100,000 incidents the walk costs what it
  // loads, and these share the first cache line.
  bool open = true;
  bool human_action = false;  // declared, acknowledged, mitigated or resolved by a person
  // Declared by a person (or joined by a declaration): only a person resolves it.
  bool declared = false;
  // True once the incident has stayed resolved past `reopen_within` plus
  // `late_delivery` and has been observed into the histograms and goal
  // counters. A reopening after that does not observe it again.
  bool counted = false;
  // The tracker's number for (service, severity), changed with them: the
  // walk counts by it instead of hashing the two names. Not part of a
  // snapshot: a restore numbers anew.
  uint32_t tally_key = kNoTallyKey;
  OptionalTime resolved_at;
  // The debrief loop: most incidents have none, so it is held apart, on the
  // heap once written. Read it with debrief(), write with mutable_debrief().
  Boxed<DebriefRecord> debrief_record;

  std::string id;
  std::string key;  // the grouping key, e.g. "service=checkout"
  std::string service;
  std::string severity;
  std::string title;
  std::string environment;  // alerts.environment_label, else changes.default_environment
  // Ids of declarations that joined this incident; every later event may use them.
  std::vector<std::string> aliases;

  Time started_at{};   // derived: see IncidentTracker::RecomputeStart
  Time detected_at{};  // first firing notification received, or the declaration
  OptionalTime declared_at;          // the time of incident.declared
  OptionalTime declared_started_at;  // its started_at, if given
  OptionalTime acknowledged_at;
  OptionalTime mitigated_at;
  int reopen_count = 0;
  std::vector<AlertInstance> alerts;
  // The alerts' text and the timeline (decoded by the two calls below).
  IncidentDetail detail;
  // Kept up to date as alerts are added and resolved, so that no alert
  // rescans the incident's others (an alert storm stays linear):
  OptionalTime earliest_onset;    // min of alerts[].onset
  size_t firing_alerts = 0;              // alerts whose firing() is true
  OptionalTime latest_alert_end;  // max ends_at of the alerts not replaced

  std::optional<std::string> repeat_of;
  // It repeated `repeat_of` while that incident still had open action items.
  bool repeat_with_open_items = false;

  bool auto_resolved() const { return !open && !human_action; }
  const DebriefRecord& debrief() const { return debrief_record.get(); }
  DebriefRecord& mutable_debrief() { return debrief_record.mut(); }
  // The alerts with their text, in the order of `alerts`.
  std::vector<AlertDetail> AlertDetails() const;
  // What happened to the incident, in the order it was applied.
  std::vector<TimelineEntry> Timeline() const { return detail.Timeline(); }
};

// Clocking of one incident against its severity's goals.
struct Clocking {
  Time started_at{};
  Duration time_to_detect{};
  std::optional<Duration> time_to_fix;  // absent while unresolved
  bool detect_goal_met = false;
  std::optional<bool> fix_goal_met;
};

enum class DebriefStatus { kNotRequired, kPending, kOverdue, kDone, kWaived };
enum class CheckpointStatus { kNotDue, kPending, kOverdue, kDone };

const char* ToString(DebriefStatus s);
const char* ToString(CheckpointStatus s);
std::optional<DebriefStatus> ParseDebriefStatus(std::string_view s);

struct DebriefView {
  DebriefStatus status = DebriefStatus::kPending;
  std::optional<Time> due_at;
  std::optional<Time> completed_at;
  std::optional<bool> on_time;  // set once completed
};

struct CheckpointView {
  CheckpointStatus status = CheckpointStatus::kNotDue;
  std::optional<Time> due_at;
  std::optional<Time> completed_at;
};

}  // namespace debriefd
