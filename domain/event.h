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

using EventBody = std::variant<AlertNotification, ChangeEvent, IncidentDeclared, IncidentTransition,
                               DebriefCompleted, DebriefWaived, CheckpointCompleted,
                               ActionItemOpened, ActionItemClosed>;

struct Event {
  std::string source;       // the registered source's name ("alertmanager", "events", ...)
  std::string dedup_key;    // equal keys are the same delivery
  Time received_at{};       // when the request arrived (or the replay line's received_at)
  EventBody body;
};

// The native type name of a body ("change", "incident.declared", ..., "alert").
std::string EventTypeName(const EventBody& body);

}  // namespace debriefd
