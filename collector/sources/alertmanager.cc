// Parser for Alertmanager webhook notifications (version 4), which Grafana's
// Alertmanager-compatible contact point also sends.
#include <algorithm>
#include <array>
#include <string_view>

#include "collector/sources/json_reader.h"

namespace debriefd {
namespace {

constexpr const char* kSource = "alertmanager";
using json_reader::Invalid;
using json_reader::ObjectReader;

Result<std::map<std::string, std::string>> StringMap(const boost::json::object& obj,
                                                     const std::string& path) {
  std::map<std::string, std::string> out;
  for (const auto& kv : obj) {
    if (!kv.value().is_string()) {
      return Invalid(path + "." + std::string(kv.key()), "not a string");
    }
    out.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
  }
  return out;
}

std::string LabelFingerprint(const std::map<std::string, std::string>& labels) {
  std::string s;
  for (const auto& [k, v] : labels) s += k + "\xff" + v + "\xff";
  return StableHash(s);
}

// Parses one alert object; `path` is its place in the request, e.g. "alerts[2]".
Result<Event> ParseAlertObject(const boost::json::object& obj, const std::string& path, Time received_at) {
  ObjectReader r(obj, path);
  std::optional<std::string> status = r.String("status", true, 16);
  const boost::json::object* labels_obj = r.Object("labels", true);
  const boost::json::object* annotations_obj = r.Object("annotations", false);
  std::optional<Time> starts_at = r.Timestamp("startsAt", true);
  std::optional<Time> ends_at = r.Timestamp("endsAt", false);
  std::optional<std::string> fingerprint = r.String("fingerprint", false, 128);
  std::optional<std::string> generator_url = r.String("generatorURL", false);
  if (!r.ok()) return r.status();
  if (*status != "firing" && *status != "resolved") {
    r.Fail("status", "must be \"firing\" or \"resolved\"");
    return r.status();
  }
  Result<std::map<std::string, std::string>> labels = StringMap(*labels_obj, r.FieldPath("labels"));
  if (!labels.ok()) return labels.status();

  AlertNotification a;
  a.firing = *status == "firing";
  a.labels = std::move(labels.value());
  if (auto it = a.labels.find("alertname"); it != a.labels.end()) a.alertname = it->second;
  if (annotations_obj != nullptr) {
    // Every annotation must be a string; only the summary is kept (the first
    // non-empty of summary, title and description), so none is copied but it.
    constexpr std::array<std::string_view, 3> kSummaryKeys = {"summary", "title", "description"};
    std::array<std::string_view, kSummaryKeys.size()> found;
    for (const auto& kv : *annotations_obj) {
      if (!kv.value().is_string()) {
        return Invalid(r.FieldPath("annotations") + "." + std::string(kv.key()), "not a string");
      }
      for (size_t k = 0; k < kSummaryKeys.size(); ++k) {
        if (kv.key() == kSummaryKeys[k]) found[k] = kv.value().get_string();
      }
    }
    for (std::string_view text : found) {
      if (!text.empty()) {
        a.summary = std::string(text.substr(0, 512));
        break;
      }
    }
  }
  a.starts_at = *starts_at;
  if (ends_at && !IsGoZeroTime(*ends_at) && !a.firing) a.ends_at = ends_at;
  a.fingerprint = fingerprint && !fingerprint->empty() ? *fingerprint : LabelFingerprint(a.labels);
  a.generator_url = generator_url.value_or("");

  Event e;
  e.source = kSource;
  e.received_at = received_at;
  // The same notification is the same alert identity: fingerprint, status and
  // startsAt, and for a resolution its endsAt too. A firing alert's endsAt is
  // left out: senders that set it to now + resolve_timeout change it on every
  // re-send of the same firing alert.
  e.dedup_key = "am:" + a.fingerprint + "|" + *status + "|" + FormatRfc3339(*starts_at);
  if (!a.firing) e.dedup_key += "|" + (ends_at ? FormatRfc3339(*ends_at) : std::string());
  e.body = std::move(a);
  return e;
}

Result<std::vector<ParsedEvent>> ParseAlertmanagerWebhook(const SourceRequest& request) {
  const std::string_view body = request.body;
  const Time received_at = request.received_at;
  // Every alert notification is parsed here: its many small strings and
  // objects come from one arena instead of a malloc and a free each.
  json_reader::RequestArena arena;
  boost::json::value v(arena.storage());
  if (Status parsed = json_reader::ParseBody(body, v); !parsed.ok()) return parsed;
  if (!v.is_object()) return Invalid("", "the body must be a JSON object");
  ObjectReader r(v.get_object(), "");
  const boost::json::array* alerts = r.Array("alerts", true);
  std::optional<std::string> receiver = r.String("receiver", false, 256);
  std::optional<double> truncated = r.Number("truncatedAlerts", false);
  if (!r.ok()) return r.status();
  if (truncated && (*truncated < 0 || *truncated != static_cast<double>(static_cast<uint64_t>(*truncated)))) {
    return Invalid("truncatedAlerts", "must be a whole number, 0 or more");
  }

  std::vector<ParsedEvent> out;
  out.reserve(alerts->size());
  for (size_t i = 0; i < alerts->size(); ++i) {
    std::string path = "alerts[" + std::to_string(i) + "]";
    if (!(*alerts)[i].is_object()) return Invalid(path, "not an object");
    const boost::json::object& alert = (*alerts)[i].get_object();
    Result<Event> e = ParseAlertObject(alert, path, received_at);
    if (!e.ok()) return e.status();
    out.push_back({std::move(e.value()), boost::json::serialize(alert), {}});
  }
  // Alertmanager left alerts out (max_alerts): their resolutions may never come.
  if (truncated && *truncated > 0 && !out.empty()) {
    out.front().request_counts[{kAlertsTruncated, receiver.value_or("")}] = static_cast<uint64_t>(*truncated);
  }
  return out;
}

Result<Event> ReadStoredAlert(std::string_view raw, Time received_at) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(raw, ec);
  if (ec || !v.is_object()) return Invalid("", "stored event is not a JSON object");
  return ParseAlertObject(v.get_object(), "", received_at);
}

// A stored alert replays as a one-alert webhook.
std::string AlertReplayBody(std::string_view raw) {
  boost::system::error_code ec;
  boost::json::value alert = boost::json::parse(raw, ec);
  boost::json::object webhook;
  webhook["version"] = "4";
  const boost::json::value* status = alert.is_object() ? alert.get_object().if_contains("status") : nullptr;
  webhook["status"] = status != nullptr ? *status : boost::json::value("firing");
  boost::json::array alerts;
  alerts.push_back(std::move(alert));
  webhook["alerts"] = std::move(alerts);
  return boost::json::serialize(webhook);
}

}  // namespace

extern const Source kSource_alertmanager;
const Source kSource_alertmanager{
    .name = "alertmanager",
    .route = "/webhooks/alertmanager",
    .parse = ParseAlertmanagerWebhook,
    .read_stored = ReadStoredAlert,
    .replay_body = AlertReplayBody,
};

}  // namespace debriefd
