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
inline constexpr Def kStoreSnapshots{
    "debriefd_store_snapshots_total",
    "Snapshots of the state this process saved (result=saved) or failed to save (result=failed, each logged)."};
inline constexpr Def kStoreSnapshotLastSuccess{
    "debriefd_store_snapshot_last_success_timestamp_seconds",
    "When this process last saved a snapshot of the state, in unix seconds; 0 before its first."};
inline constexpr Def kStoreEventsSinceSnapshot{
    "debriefd_store_events_since_snapshot",
    "Stored events the saved snapshot lacks: what a start re-reads after restoring it."};
inline constexpr Def kStoreUnreadable{"debriefd_store_unreadable_events",
                                      "Stored events that could not be re-read when the store was loaded (logged)."};
// Replicas on a shared store (storage.driver: postgres); per replica.
inline constexpr Def kStoreAppliedSeq{"debriefd_store_applied_seq",
                                      "Seq of the last event of the shared log this replica has applied."};
inline constexpr Def kStoreAvailable{"debriefd_store_available",
                                     "1 when the store answered the last attempt to reach it, else 0."};
inline constexpr Def kReplicationDelay{
    "debriefd_replication_delay_seconds",
    "Time from an event's acceptance by another replica to its application on this one."};
inline constexpr Def kBuildInfo{"debriefd_build_info",
                                "debriefd's version, revision and external_url (when set); always 1."};
inline constexpr Def kLabelValuesFolded{
    "debriefd_label_values_folded",
    "Distinct values of a label folded by a cardinality limit: services exported as \"_other\" (limits.max_services), "
    "incidents left out of debriefd_debrief_overdue_seconds (limits.max_overdue_series)."};

// HTTP, config and the server.
inline constexpr Def kHttpRequests{"debriefd_http_requests_total",
                                   "HTTP requests answered, by handler (route pattern) and status code."};
inline constexpr Def kHttpDuration{"debriefd_http_request_duration_seconds",
                                   "Time from a request's arrival at the API to its answer, by handler."};
inline constexpr Def kHttpConnectionsOpen{"debriefd_http_connections_open", "HTTP connections open now."};
inline constexpr Def kHttpConnectionsRefused{"debriefd_http_connections_refused_total",
                                             "HTTP connections refused because limits.max_connections were open."};
inline constexpr Def kHttpInflightBodyBytes{"debriefd_http_inflight_body_bytes",
                                            "Bytes of request bodies buffered now (limited by limits.max_inflight_bytes)."};
inline constexpr Def kHttpAcceptErrors{"debriefd_http_accept_errors_total",
                                       "Failed accept() calls (out of file descriptors, ...); accepting backs off."};
inline constexpr Def kHttpInflightRejected{
    "debriefd_http_inflight_rejected_total",
    "Requests answered 503 or 413 because their body did not fit in limits.max_inflight_bytes."};
inline constexpr Def kHttpBasicAuthFailures{"debriefd_http_basic_auth_failures_total",
                                            "Requests refused (401) by the web config's basic_auth_users."};
inline constexpr Def kTlsHandshakeErrors{"debriefd_tls_handshake_errors_total", "TLS handshakes that failed."};
inline constexpr Def kTlsReloads{"debriefd_tls_certificate_reloads_total",
                                 "Times the TLS certificate and key were re-read after their files changed."};
inline constexpr Def kTlsReloadErrors{"debriefd_tls_certificate_reload_errors_total",
                                      "Changed TLS certificate or key files that did not load (the old ones stay in use)."};
inline constexpr Def kConfigReloadSuccessful{"debriefd_config_last_reload_successful",
                                             "Whether the last configuration reload attempt succeeded (1) or not (0)."};
inline constexpr Def kConfigReloadSuccessTime{"debriefd_config_last_reload_success_timestamp_seconds",
                                              "When the configuration was last loaded successfully, in unix seconds."};

// The standard figures of a process (as every Prometheus client library names them).
inline constexpr Def kProcessCpu{"process_cpu_seconds_total", "Total user and system CPU time spent in seconds."};
inline constexpr Def kProcessResident{"process_resident_memory_bytes", "Resident memory size in bytes."};
inline constexpr Def kProcessVirtual{"process_virtual_memory_bytes", "Virtual memory size in bytes."};
inline constexpr Def kProcessOpenFds{"process_open_fds", "Number of open file descriptors."};
inline constexpr Def kProcessMaxFds{"process_max_fds", "Maximum number of open file descriptors."};
inline constexpr Def kProcessStartTime{"process_start_time_seconds",
                                       "Start time of the process since unix epoch in seconds."};

// The OpenMetrics family name of a counter: its name without `_total`.
constexpr std::string_view FamilyName(const Def& counter) {
  std::string_view n = counter.name;
  constexpr std::string_view kTotal = "_total";
  if (n.size() > kTotal.size() && n.substr(n.size() - kTotal.size()) == kTotal) n.remove_suffix(kTotal.size());
  return n;
}

}  // namespace debriefd::metric
