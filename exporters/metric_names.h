#pragma once
// Every metric debriefd exposes, named and explained once. /metrics
// (metrics.cc) and the OpenMetrics history export (report/openmetrics.cc)
// both take their names and help texts from here; docs/metrics.md documents
// them. Counter names carry `_total`, as they appear in /metrics.

#include <string_view>

namespace debriefd::metric {

struct Def {
  std::string_view name;
  std::string_view help;
};

// Incidents and their clocking.
inline constexpr Def kIncidents{"debriefd_incidents_total", "Incidents opened."};
inline constexpr Def kTimeToDetect{
    "debriefd_incident_time_to_detect_seconds",
    "Time from an incident's start to its detection, observed once it has stayed resolved past "
    "alerts.reopen_within."};
inline constexpr Def kTimeToFix{
    "debriefd_incident_time_to_fix_seconds",
    "Time from an incident's start to its resolution, observed once it has stayed resolved past "
    "alerts.reopen_within."};
inline constexpr Def kGoals{"debriefd_incident_goal_total",
                            "Incidents that met or missed the detect and fix goals of their severity."};
inline constexpr Def kCounted{"debriefd_incidents_counted_total",
                              "Incidents observed into the time-to-detect and time-to-fix histograms."};
inline constexpr Def kSuspectedCause{
    "debriefd_incident_suspected_cause_total",
    "Counted incidents that had a suspected cause (a change to the service shortly before)."};
inline constexpr Def kRepeats{"debriefd_incident_repeats_total",
                              "Incidents that repeated an earlier incident of the same key within repeats.window."};
inline constexpr Def kAutoResolved{"debriefd_incidents_auto_resolved_total",
                                   "Counted incidents that resolved with no action by a person."};
inline constexpr Def kDebriefs{"debriefd_debriefs_total", "Debriefs completed, on time or late."};

// The debrief loop, now.
inline constexpr Def kOpen{"debriefd_incidents_open", "Incidents open now."};
inline constexpr Def kDebriefsOverdue{"debriefd_debriefs_overdue", "Resolved incidents whose debrief is past due."};
inline constexpr Def kDebriefOverdueSeconds{
    "debriefd_debrief_overdue_seconds",
    "How long each incident's debrief has been past due; one series per incident that is overdue now."};
inline constexpr Def kCheckpointsOverdue{"debriefd_checkpoints_overdue",
                                         "Incidents whose checkpoint (after the debrief) is past due."};
inline constexpr Def kActionItemsOpen{
    "debriefd_action_items_open",
    "Open debrief action items; linked=\"false\": tracker issues that name no known incident."};
inline constexpr Def kActionItemsOverdue{"debriefd_action_items_overdue", "Open action items past their due date."};
inline constexpr Def kActionItemsClosed{
    "debriefd_action_items_closed_total",
    "Action items closed; an item closed, reopened and closed again counts twice."};
inline constexpr Def kActionItemsReopened{"debriefd_action_items_reopened_total",
                                          "Closed action items that their tracker opened again."};
inline constexpr Def kRepeatsWithOpenItems{
    "debriefd_incident_repeats_with_open_items_total",
    "Repeat incidents that began while the incident they repeat still had open action items."};

// Changes and ingestion.
inline constexpr Def kChanges{"debriefd_changes_total", "Change events (deploys, config, feature flags, infra)."};
inline constexpr Def kChangeFailures{
    "debriefd_change_failures_total",
    "Changes a debrief confirmed as the cause of an incident, each counted once however many incidents it caused."};
inline constexpr Def kEvents{"debriefd_events_total",
                             "Events received, by source and result (accepted, duplicate, rejected)."};
inline constexpr Def kAlertsTruncated{
    "debriefd_alerts_truncated_total",
    "Alerts Alertmanager left out of notifications to debriefd (truncatedAlerts, max_alerts), by receiver."};
inline constexpr Def kRulesLastSuccess{
    "debriefd_prometheus_rules_last_success_timestamp_seconds",
    "When Prometheus' alert rules were last read (alerts.pending_from), in unix seconds; 0 before the first read."};
inline constexpr Def kStoreCommits{"debriefd_store_commits_total",
                                   "Group commits written to the store since this process started."};
inline constexpr Def kStoreUnreadable{"debriefd_store_unreadable_events",
                                      "Stored events that could not be re-read when the store was loaded (logged)."};
inline constexpr Def kBuildInfo{"debriefd_build_info",
                                   "debriefd's version and external_url (when set); always 1."};

// The OpenMetrics family name of a counter: its name without `_total`.
constexpr std::string_view FamilyName(const Def& counter) {
  std::string_view n = counter.name;
  constexpr std::string_view kTotal = "_total";
  if (n.size() > kTotal.size() && n.substr(n.size() - kTotal.size()) == kTotal) n.remove_suffix(kTotal.size());
  return n;
}

}  // namespace debriefd::metric
