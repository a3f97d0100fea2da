// PagerDuty: V3 webhooks. incident.triggered declares an incident
// (pd-<PagerDuty id>), incident.acknowledged and incident.resolved move it;
// every other event type is ignored. Verified by X-PagerDuty-Signature
// (v1=<hex HMAC-SHA256>, several during a secret rotation: any one passes);
// deduplicated by event.id.
#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

// The incident's severity: its urgency ("high") or priority ("P1"), by
// severity_from, through severity_map; unmapped values pass through.
std::string SeverityOf(const SourceSettings& settings, const std::string& urgency, const std::string& priority) {
  const std::string from = settings.Option("severity_from", "urgency");
  std::string value = from == "priority" && !priority.empty() ? priority : urgency;
  auto map = settings.options.find("severity_map");
  if (map != settings.options.end()) {
    if (auto it = map->second.map.find(value); it != map->second.map.end()) return it->second;
  }
  return value.empty() ? "unknown" : value;
}

Result<std::vector<ParsedEvent>> ParsePagerDuty(const SourceRequest& request) {
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  ObjectReader r(**body, "");
  const boost::json::object* event_obj = r.Object("event", true);
  if (!r.ok()) return r.status();
  ObjectReader event(*event_obj, "event");
  auto id = event.String("id", true, 128);
  auto type = event.String("event_type", true, 64);
  auto occurred_at = event.Timestamp("occurred_at", true);
  const boost::json::object* data_obj = event.Object("data", true);
  if (!event.ok()) return event.status();
  if (*type != "incident.triggered" && *type != "incident.acknowledged" && *type != "incident.resolved") {
    return std::vector<ParsedEvent>{};  // annotations, priority changes, ...: nothing the clock needs
  }
  ObjectReader data(*data_obj, "event.data");
  auto incident = data.Id("id", true);
  if (!data.ok()) return data.status();
  const std::string incident_id = "pd-" + *incident;

  const std::string dedup_key = "pagerduty:" + *id;
  if (*type == "incident.triggered") {
    auto title = data.String("title", false, 512);
    auto created_at = data.Timestamp("created_at", false);
    auto urgency = data.String("urgency", false, 64);
    const boost::json::object* service_obj = data.Object("service", true);
    const boost::json::object* priority_obj = data.Object("priority", false);
    if (!data.ok()) return data.status();
    ObjectReader service(*service_obj, "event.data.service");
    auto service_name = service.String("summary", true, 256);
    if (!service.ok()) return service.status();
    std::string priority;
    if (priority_obj != nullptr) {
      ObjectReader p(*priority_obj, "event.data.priority");
      priority = p.String("summary", false, 64).value_or("");
      if (!p.ok()) return p.status();
    }
    IncidentDeclared d;
    d.incident_id = incident_id;
    d.time = *occurred_at;  // detected when PagerDuty triggered it
    d.service = request.settings.ServiceFor(*service_name);
    d.severity = SeverityOf(request.settings, urgency.value_or(""), priority);
    d.title = title.value_or(incident_id);
    d.started_at = created_at;  // impact from the incident's creation
    return json_reader::OneEvent(request, "pagerduty", dedup_key, std::move(d));
  }
  IncidentTransition t;
  t.kind = *type == "incident.acknowledged" ? IncidentTransition::Kind::kAcknowledged
                                            : IncidentTransition::Kind::kResolved;
  t.incident_id = incident_id;
  t.time = *occurred_at;
  return json_reader::OneEvent(request, "pagerduty", dedup_key, std::move(t));
}

// "v1=<hex>,v1=<hex>": any one that matches passes (PagerDuty signs with
// every active secret while one is being rotated).
Status VerifyPagerDuty(const SourceRequest& request) {
  constexpr std::string_view kHeader = "x-pagerduty-signature";
  std::string_view given = request.header(kHeader);
  if (given.empty()) return Status::Unauthenticated(std::string(kHeader), "missing");
  const std::string expected = "v1=" + signature::HmacSha256Hex(request.settings.secret, request.body);
  bool match = false;
  while (!given.empty()) {
    size_t comma = given.find(',');
    std::string_view one = given.substr(0, comma);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    match |= signature::ConstantTimeEquals(one, expected);  // every candidate is compared
    given = comma == std::string_view::npos ? std::string_view() : given.substr(comma + 1);
  }
  if (!match) return Status::Unauthenticated(std::string(kHeader), "no v1 signature matches the body");
  return Status::Ok();
}

constexpr std::string_view kOptions[] = {"severity_from", "severity_map"};

Status CheckPagerDutyOptions(const SourceSettings& s) {
  const std::string from = s.Option("severity_from", "urgency");
  if (from != "urgency" && from != "priority") return Status::InvalidArgument("severity_from", "must be urgency or priority");
  return Status::Ok();
}

}  // namespace

extern const Source kSource_pagerduty;
const Source kSource_pagerduty{
    .name = "pagerduty",
    .route = "/webhooks/pagerduty",
    .needs_config = true,
    .parse = ParsePagerDuty,
    .headers = {},
    .verify = VerifyPagerDuty,
    .options = kOptions,
    .check_options = CheckPagerDutyOptions,
};

}  // namespace debriefd
