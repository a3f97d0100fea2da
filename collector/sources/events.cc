// Parser for debriefd's native events (POST /api/v1/events).
#include <array>

#include "collector/sources/json_reader.h"

namespace debriefd {
namespace {

constexpr const char* kSource = "events";
using json_reader::Invalid;
using json_reader::ObjectReader;

constexpr std::array<const char*, 4> kChangeKinds = {"deploy", "config", "feature_flag", "infra"};
constexpr const char* kTypes =
    "change, incident.declared, incident.acknowledged, incident.mitigated, incident.resolved, "
    "debrief.completed, debrief.updated, debrief.waived, checkpoint.completed, action_item.opened, "
    "action_item.closed";

// New requests are strict: a field debriefd does not know is a typo or a
// misunderstanding the sender should hear about, not something to drop
// silently. Stored events are read leniently: an older debriefd accepted
// them with fields it ignored, and they must re-apply as they were accepted.
enum class Fields { kStrict, kLenient };

std::optional<ActionItemSpec> ReadActionItem(ObjectReader& r, bool title_required) {
  ActionItemSpec item;
  auto id = r.Id("id", true);
  auto title = r.String("title", title_required, 512);
  auto url = r.String("url", false);
  auto due = r.Timestamp("due", false);
  const boost::json::array* labels = r.Array("labels", false);
  if (!r.ok()) return std::nullopt;
  item.id = *id;
  item.title = title.value_or(*id);
  item.url = url.value_or("");
  item.due = due;
  if (labels != nullptr) {
    for (size_t i = 0; i < labels->size(); ++i) {
      if (!(*labels)[i].is_string()) {
        r.Fail("labels[" + std::to_string(i) + "]", "not a string");
        return std::nullopt;
      }
      item.labels.emplace_back((*labels)[i].get_string());
    }
  }
  return item;
}

// A debrief's `impact` and `action_items` (debrief.completed and
// debrief.updated read them alike).
Status ReadFindings(ObjectReader& r, Fields fields, std::optional<Impact>& impact,
                    std::vector<ActionItemSpec>& action_items) {
  const boost::json::object* impact_obj = r.Object("impact", false);
  const boost::json::array* items = r.Array("action_items", false);
  if (!r.ok()) return r.status();
  if (impact_obj != nullptr) {
    ObjectReader ir(*impact_obj, r.FieldPath("impact"));
    Impact im;
    im.customers_affected = ir.Number("customers_affected", false);
    im.cost = ir.Number("cost", false);
    im.summary = ir.String("summary", false).value_or("");
    if (fields == Fields::kStrict) ir.RejectUnknownFields();
    if (!ir.ok()) return ir.status();
    impact = im;
  }
  if (items != nullptr) {
    for (size_t i = 0; i < items->size(); ++i) {
      std::string item_path = r.FieldPath("action_items[");
      item_path += std::to_string(i);
      item_path += ']';
      if (!(*items)[i].is_object()) return Invalid(item_path, "not an object");
      ObjectReader ir((*items)[i].get_object(), item_path);
      std::optional<ActionItemSpec> item = ReadActionItem(ir, true);
      if (item && fields == Fields::kStrict) ir.RejectUnknownFields();
      if (!ir.ok()) return ir.status();
      action_items.push_back(std::move(*item));
    }
  }
  return Status::Ok();
}

// Parses one native event object; `path` is its place in the request ("" or "[3]").
Result<ParsedEvent> ParseNativeObject(const boost::json::object& obj, const std::string& path,
                                      Time received_at, Fields fields) {
  ObjectReader r(obj, path);
  std::optional<std::string> type = r.String("type", true, 64);
  std::optional<Time> time = r.Timestamp("time", true);
  std::optional<std::string> id = r.Id("id", false);
  if (!r.ok()) return r.status();

  ParsedEvent out;
  out.raw = boost::json::serialize(obj);
  const std::string content_hash = StableHash(out.raw);
  Event& e = out.event;
  e.source = kSource;
  e.received_at = received_at;
  // Ids are namespaced by type: an action item's id names both its opening and
  // its closing, which are different events.
  e.dedup_key = id ? "ev:" + *type + ":" + *id : "ev#" + content_hash;

  if (*type == "change") {
    ChangeEvent c;
    c.id = id.value_or("chg-" + content_hash);
    c.time = *time;
    auto service = r.String("service", true, 256);
    auto kind = r.String("kind", true, 32);
    c.environment = r.String("environment", false, 256).value_or("");
    c.version = r.String("version", false, 256).value_or("");
    c.description = r.String("description", false).value_or("");
    c.url = r.String("url", false).value_or("");
    if (!r.ok()) return r.status();
    if (std::find(kChangeKinds.begin(), kChangeKinds.end(), *kind) == kChangeKinds.end()) {
      r.Fail("kind", "must be one of deploy, config, feature_flag, infra");
      return r.status();
    }
    c.service = *service;
    c.kind = *kind;
    e.body = std::move(c);
  } else if (*type == "incident.declared") {
    IncidentDeclared d;
    d.time = *time;
    d.incident_id = r.Id("incident_id", false).value_or("");
    auto service = r.String("service", true, 256);
    auto severity = r.String("severity", true, 64);
    d.title = r.String("title", false, 512).value_or("");
    d.started_at = r.Timestamp("started_at", false);
    if (!r.ok()) return r.status();
    d.service = *service;
    d.severity = *severity;
    e.body = std::move(d);
  } else if (*type == "incident.acknowledged" || *type == "incident.mitigated" ||
             *type == "incident.resolved") {
    IncidentTransition t;
    t.kind = *type == "incident.acknowledged" ? IncidentTransition::Kind::kAcknowledged
             : *type == "incident.mitigated"  ? IncidentTransition::Kind::kMitigated
                                              : IncidentTransition::Kind::kResolved;
    t.time = *time;
    auto incident_id = r.Id("incident_id", true);
    if (!r.ok()) return r.status();
    t.incident_id = *incident_id;
    e.body = std::move(t);
  } else if (*type == "debrief.completed") {
    DebriefCompleted d;
    d.time = *time;
    auto incident_id = r.Id("incident_id", true);
    auto url = r.String("url", true);
    d.confirmed_cause_id = r.Id("confirmed_cause_id", false);
    d.started_at = r.Timestamp("started_at", false);
    if (!r.ok()) return r.status();
    if (Status s = ReadFindings(r, fields, d.impact, d.action_items); !s.ok()) return s;
    d.incident_id = *incident_id;
    d.url = *url;
    e.body = std::move(d);
  } else if (*type == "debrief.updated") {
    DebriefUpdated u;
    u.time = *time;
    auto incident_id = r.Id("incident_id", true);
    u.url = r.String("url", false);
    if (u.url && u.url->empty()) r.Fail("url", "empty");
    u.confirmed_cause_id = r.Id("confirmed_cause_id", false);
    if (!r.ok()) return r.status();
    if (Status s = ReadFindings(r, fields, u.impact, u.action_items); !s.ok()) return s;
    u.incident_id = *incident_id;
    e.body = std::move(u);
  } else if (*type == "debrief.waived") {
    DebriefWaived w;
    w.time = *time;
    auto incident_id = r.Id("incident_id", true);
    auto reason = r.String("reason", true);
    if (!r.ok()) return r.status();
    w.incident_id = *incident_id;
    w.reason = *reason;
    e.body = std::move(w);
  } else if (*type == "checkpoint.completed") {
    CheckpointCompleted c;
    c.time = *time;
    auto incident_id = r.Id("incident_id", true);
    c.notes = r.String("notes", false).value_or("");
    if (!r.ok()) return r.status();
    c.incident_id = *incident_id;
    e.body = std::move(c);
  } else if (*type == "action_item.opened") {
    ActionItemOpened o;
    o.time = *time;
    auto incident_id = r.Id("incident_id", true);
    std::optional<ActionItemSpec> item = ReadActionItem(r, true);
    if (!r.ok()) return r.status();
    o.incident_id = *incident_id;
    o.item = std::move(*item);
    e.body = std::move(o);
  } else if (*type == "action_item.closed") {
    ActionItemClosed c;
    c.time = *time;
    auto item_id = r.Id("id", true);
    if (!r.ok()) return r.status();
    c.id = *item_id;
    e.body = std::move(c);
  } else {
    r.Fail("type", "unknown event type \"" + type->substr(0, 64) + "\"; expected one of " + kTypes);
    return r.status();
  }
  // Every branch has read all the fields its type knows (present or not).
  if (fields == Fields::kStrict) r.RejectUnknownFields();
  if (!r.ok()) return r.status();
  return out;
}

Result<std::vector<ParsedEvent>> ParseNativeEvents(const SourceRequest& request) {
  const std::string_view body = request.body;
  const Time received_at = request.received_at;
  json_reader::RequestArena arena;
  boost::json::value v(arena.storage());
  if (Status parsed = json_reader::ParseBody(body, v); !parsed.ok()) return parsed;
  std::vector<ParsedEvent> out;
  if (v.is_object()) {
    Result<ParsedEvent> e = ParseNativeObject(v.get_object(), "", received_at, Fields::kStrict);
    if (!e.ok()) return e.status();
    out.push_back(std::move(e.value()));
    return out;
  }
  if (!v.is_array()) return Invalid("", "the body must be an event object or an array of them");
  const boost::json::array& arr = v.get_array();
  if (arr.empty()) return Invalid("", "the array holds no events");
  out.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string path(1, '[');  // appended: GCC 12 warns falsely on "[" + to_string(i)
    path += std::to_string(i);
    path += ']';
    if (!arr[i].is_object()) return Invalid(path, "not an object");
    Result<ParsedEvent> e = ParseNativeObject(arr[i].get_object(), path, received_at, Fields::kStrict);
    if (!e.ok()) return e.status();
    out.push_back(std::move(e.value()));
  }
  return out;
}

Result<Event> ReadStoredEvent(std::string_view raw, Time received_at) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(raw, ec);
  if (ec || !v.is_object()) return Invalid("", "stored event is not a JSON object");
  Result<ParsedEvent> e = ParseNativeObject(v.get_object(), "", received_at, Fields::kLenient);
  if (!e.ok()) return e.status();
  return std::move(e.value().event);
}

}  // namespace

extern const Source kSource_events;
const Source kSource_events{
    .name = "events",
    .route = "/api/v1/events",
    .parse = ParseNativeEvents,
    .read_stored = ReadStoredEvent,
};

}  // namespace debriefd
