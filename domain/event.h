#pragma once
// The events debriefd ingests, after parsing. Each parser (one per source)
// turns untrusted bytes into these; the tracker consumes only these.

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/time.h"

namespace debriefd {

// One alert of an Alertmanager notification.
struct AlertNotification {
  std::string fingerprint;
  std::string alertname;
  std::map<std::string, std::string> labels;
  std::string summary;  // annotations.summary (or description), may be empty
  std::string generator_url;
  bool firing = true;
  Time starts_at{};
  std::optional<Time> ends_at;  // absent while firing (Go zero time)
};

struct ChangeEvent {
  std::string id;  // the event id; generated when the sender gave none
  Time time{};
  std::string service;
  std::string kind;  // deploy | config | feature_flag | infra
  std::string environment;
  std::string version;
  std::string description;
  std::string url;
};

struct IncidentDeclared {
  std::string incident_id;  // empty: the tracker generates one
  Time time{};              // when it was detected
  std::string service;
  std::string severity;
  std::string title;
  std::optional<Time> started_at;  // when impact began, if known
};

struct IncidentTransition {
  enum class Kind { kAcknowledged, kMitigated, kResolved };
  Kind kind = Kind::kAcknowledged;
  std::string incident_id;
  Time time{};
};

struct Impact {
  std::optional<double> customers_affected;
  std::optional<double> cost;
  std::string summary;
};

struct ActionItemSpec {
  std::string id;
  std::string title;
  std::string url;
  std::optional<Time> due;
  std::vector<std::string> labels;
};

struct DebriefCompleted {
  std::string incident_id;
  Time time{};
  std::string url;
  std::optional<std::string> confirmed_cause_id;
  std::optional<Time> started_at;
  std::optional<Impact> impact;
  std::vector<ActionItemSpec> action_items;
};

// Amends a completed debrief: what it found, never when it was held
// (debrief_completed_at, on time or late, and the checkpoint's due time stay).
// An absent field keeps its value; `impact` replaces the whole impact;
// `action_items` opens the items not known yet (at `time`) and amends the
// title, url, due date and labels of the incident's own items it names again.
struct DebriefUpdated {
  std::string incident_id;
  Time time{};  // when the debrief was amended
  std::optional<std::string> url;
  std::optional<std::string> confirmed_cause_id;
  std::optional<Impact> impact;
  std::vector<ActionItemSpec> action_items;
};

struct DebriefWaived {
  std::string incident_id;
  Time time{};
  std::string reason;
};

struct CheckpointCompleted {
  std::string incident_id;
  Time time{};
  std::string notes;
};

struct ActionItemOpened {
  std::string incident_id;
  Time time{};
  ActionItemSpec item;
};

struct ActionItemClosed {
  std::string id;
  Time time{};
};

// An issue in a tracker (Jira, GitHub, GitLab) as one webhook delivery saw
// it: a snapshot, not a command. The tracker decides from it and the policy's
// `action_items.*` rules whether the issue is an action item, which incident it
// belongs to, and whether it is open (docs/debrief-loop.md). Applying the same
// snapshot twice changes nothing.
struct TrackerIssue {
  std::string id;     // the tracker's own: "OPS-12", "owner/repo#123", "group/project#45"
  Time time{};        // the delivery's time (Jira `timestamp`, GitHub/GitLab `updated_at`)
  std::string title;
  std::string description;
  std::string url;      // the issue's page
  std::string service;  // from the source's service mapping (project key, repository, project path)
  std::vector<std::string> labels;
  bool done = false;               // Jira status category `done`; GitHub/GitLab state `closed`
  std::optional<Time> closed_at;   // the tracker's time of closing (resolution date, closed_at)
  std::optional<Time> due;         // the tracker's due date, if it has one
  std::optional<Time> created_at;  // when the issue was created in the tracker
  bool deleted = false;            // the issue was deleted
};

using EventBody = std::variant<AlertNotification, ChangeEvent, IncidentDeclared, IncidentTransition,
                               DebriefCompleted, DebriefUpdated, DebriefWaived, CheckpointCompleted,
                               ActionItemOpened, ActionItemClosed, TrackerIssue>;

struct Event {
  std::string source;       // the registered source's name ("alertmanager", "events", ...)
  std::string dedup_key;    // equal keys are the same delivery
  Time received_at{};       // when the request arrived (or the replay line's received_at)
  EventBody body;
};

// The native type name of a body ("change", "incident.declared", ..., "alert").
std::string EventTypeName(const EventBody& body);

}  // namespace debriefd
