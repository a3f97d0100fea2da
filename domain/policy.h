#pragma once
// The rules the tracker applies, as plain values. config/ fills this from YAML;
// tests build it directly. Defaults are the documented ones.

#include <map>
#include <string>
#include <vector>

#include "domain/time.h"

namespace debriefd {

struct Goals {
  Duration detect = std::chrono::minutes(5);
  Duration fix = std::chrono::hours(1);
  bool operator==(const Goals&) const = default;
};

struct Policy {
  Goals goals;
  std::map<std::string, Goals> goals_by_severity;

  // Alert grouping and clocking.
  std::vector<std::string> group_by = {"service"};
  std::string service_label = "service";
  std::string severity_label = "severity";
  Duration reopen_within = std::chrono::minutes(15);
  // How late a notification may arrive and still be counted: an incident is
  // counted once it has stayed resolved for reopen_within + late_delivery
  // (Alertmanager's group interval delays a re-fire by up to its length).
  Duration late_delivery = std::chrono::minutes(5);
  // A firing notification of an alert that arrives after the alert's
  // resolution is a late copy (sent before it, e.g. by an HA peer) when it
  // arrives within this long after the resolution's endsAt, and a re-fire
  // (the sender reports the alert again, with the startsAt already resolved)
  // when later. Keep it below Alertmanager's group_interval.
  Duration late_copy_within = std::chrono::seconds(30);
  // The alert label that names an incident's environment (suspected causes
  // are changes in that environment, or in none).
  std::string environment_label = "environment";
  std::map<std::string, Duration> pending;  // alertname -> the rule's `for:`
  // Alerts carrying any of these label values are stored but open no incident:
  // by default debriefd's own reminders (see config/prometheus/debriefd.rules.yml).
  std::map<std::string, std::string> ignore_labels = {{"alert_source", "debriefd"}};

  // How far ahead of its arrival (received_at) a time a sender states may be
  // (limits.max_clock_skew): later is a wrong clock or a wrong field, rejected
  // when the event is first accepted (batch_check.h). Times in the past are
  // always fine: history is replayed.
  Duration max_clock_skew = std::chrono::minutes(5);

  Duration cause_window = std::chrono::hours(2);
  // The environment of an incident whose alerts carry no environment label,
  // and of declared incidents.
  std::string default_environment = "production";

  // The debrief loop.
  std::vector<std::string> debrief_required_for;  // empty: every severity
  Duration debrief_due_within = std::chrono::hours(72);
  Duration checkpoint_after = std::chrono::hours(14 * 24);
  bool skip_auto_resolved = false;
  Duration action_item_due_within = std::chrono::hours(30 * 24);
  // Tracker issues (Jira, GitHub, GitLab): an issue is an action item while it
  // carries `action_item_label`. It belongs to the incident a label of the
  // form `action_item_incident_label` names ("{id}" stands for the incident
  // id), else to the first known incident a match of
  // `action_item_incident_pattern` (ECMAScript regex over title and
  // description; its first capture group if it has one) names.
  std::string action_item_label = "debrief";
  std::string action_item_incident_label = "incident:{id}";
  std::string action_item_incident_pattern = R"(\b((?:inc|INC)-[0-9]+)\b)";
  Duration repeat_window = std::chrono::hours(90 * 24);

  const Goals& GoalsFor(const std::string& severity) const {
    auto it = goals_by_severity.find(severity);
    return it == goals_by_severity.end() ? goals : it->second;
  }
  bool DebriefRequiredFor(const std::string& severity) const;
  // A config reload rebuilds the state only when the policy changed.
  bool operator==(const Policy&) const = default;
};

// Label value used when an alert lacks the service or severity label.
inline constexpr const char* kUnknown = "unknown";

}  // namespace debriefd
