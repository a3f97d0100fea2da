// Jira: issue webhooks. jira:issue_created, jira:issue_updated and
// jira:issue_deleted each become one TrackerIssue, the issue as that delivery
// saw it; every other webhookEvent (comments, worklogs, sprints, ...) is
// answered 200 and ignored. Whether an issue is an action item (its labels),
// which incident it belongs to and whether it is open are the tracker's
// questions: the parser translates, it never filters by label.
// Verified by X-Hub-Signature (sha256=<hex HMAC-SHA256 of the raw body> with
// the webhook's secret); deduplicated by X-Atlassian-Webhook-Identifier,
// which Jira keeps across the retries of one delivery.
#include <cmath>

#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

// Descriptions are only searched for incident ids: any length the body limit
// lets through is read rather than rejecting the issue.
constexpr size_t kMaxDescription = size_t{1} << 30;
// 9999-12-31T23:59:59.999Z: the last millisecond RFC 3339 can write.
constexpr double kMaxEpochMillis = 253402300799999.0;
// Boost.JSON already stops parsing at depth 32; this bounds the walk anyway.
constexpr int kMaxAdfDepth = 64;

// Jira writes "2026-11-20T10:15:30.000+0000" (an offset without a colon);
// RFC 3339 is accepted too.
std::optional<Time> ParseJiraTime(std::string_view s) {
  if (auto t = ParseRfc3339(s)) return t;
  if (s.size() < 5) return std::nullopt;
  const std::string_view zone = s.substr(s.size() - 5);
  if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
  std::string rfc(s.substr(0, s.size() - 2));
  rfc += ':';
  rfc += zone.substr(3);
  return ParseRfc3339(rfc);
}

// An optional Jira time; null, absent or "" is no time.
std::optional<Time> JiraTime(ObjectReader& r, const char* key) {
  std::optional<std::string> text = r.String(key, false, 64);
  if (!text || text->empty()) return std::nullopt;
  std::optional<Time> t = ParseJiraTime(*text);
  if (!t) r.Fail(key, "not a time like 2026-11-20T10:15:30.000+0000");
  return t;
}

// The text of an Atlassian Document Format tree (what Jira's REST API v3,
// and with it some webhooks, sends as a description): the "text" of its text
// nodes, the runs of one paragraph joined as written and blocks separated by
// one space, so that "INC-42" reads as it does on the page even when marks
// split it into runs. Mentions, emoji and cards add nothing.
void AppendAdfText(const boost::json::value& node, std::string& out, int depth) {
  if (!node.is_object() || depth > kMaxAdfDepth) return;
  const boost::json::object& o = node.get_object();
  const boost::json::value* type = o.if_contains("type");
  const boost::json::value* text = o.if_contains("text");
  if (type != nullptr && type->is_string() && type->get_string() == "text" && text != nullptr && text->is_string()) {
    out += text->get_string();
    return;
  }
  const boost::json::value* content = o.if_contains("content");
  const bool hard_break = type != nullptr && type->is_string() && type->get_string() == "hardBreak";
  if (content == nullptr || !content->is_array()) {
    if (hard_break && !out.empty() && out.back() != ' ') out += ' ';
    return;
  }
  for (const boost::json::value& child : content->get_array()) AppendAdfText(child, out, depth + 1);
  if (!out.empty() && out.back() != ' ') out += ' ';  // the end of a block
}

// fields.description: a string (REST API v2, what webhooks send), an ADF
// object (v3), or null/absent (no description).
std::string Description(const boost::json::object& fields, ObjectReader& r) {
  const boost::json::value* v = fields.if_contains("description");
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return r.String("description", false, kMaxDescription).value_or("");
  if (!v->is_object()) {
    r.Fail("description", "not a string or an Atlassian Document Format object");
    return "";
  }
  std::string text;
  AppendAdfText(*v, text, 0);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The issue's page from its REST address: `self` is
// <base>/rest/api/2/issue/<id> and the page <base>/browse/<key>, where base
// keeps a Data Center context path (https://jira.example.com/jira).
std::string BrowseUrl(std::string_view self, std::string_view key) {
  const size_t rest = self.find("/rest/api/");
  if (rest == std::string_view::npos) return "";
  std::string url(self.substr(0, rest));
  url += "/browse/";
  url += key;
  return url;
}

// The key of status.statusCategory ("new", "indeterminate", "done"), or
// empty when the delivery has none.
Result<std::string> StatusCategory(const boost::json::object* status_obj) {
  if (status_obj == nullptr) return std::string();
  ObjectReader status(*status_obj, "issue.fields.status");
  const boost::json::object* category_obj = status.Object("statusCategory", false);
  if (!status.ok()) return status.status();
  if (category_obj == nullptr) return std::string();
  ObjectReader category(*category_obj, "issue.fields.status.statusCategory");
  std::optional<std::string> key = category.String("key", false, 64);
  if (!category.ok()) return category.status();
  return key.value_or("");
}

Result<std::vector<ParsedEvent>> ParseJira(const SourceRequest& request) {
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  ObjectReader r(**body, "");
  auto event = r.String("webhookEvent", true, 128);
  if (!r.ok()) return r.status();
  if (*event != "jira:issue_created" && *event != "jira:issue_updated" && *event != "jira:issue_deleted") {
    return std::vector<ParsedEvent>{};  // comments, worklogs, sprints, projects, ...: not an issue's state
  }
  auto timestamp = r.Number("timestamp", true);
  const boost::json::object* issue_obj = r.Object("issue", true);
  if (!r.ok()) return r.status();
  if (!std::isfinite(*timestamp) || *timestamp < 0 || *timestamp > kMaxEpochMillis ||
      *timestamp != std::floor(*timestamp)) {
    return Invalid("timestamp", "not milliseconds since the epoch");
  }
  const int64_t millis = static_cast<int64_t>(*timestamp);

  ObjectReader issue(*issue_obj, "issue");
  auto key = issue.Id("key", true);
  auto self = issue.String("self", false);
  const boost::json::object* fields_obj = issue.Object("fields", true);
  if (!issue.ok()) return issue.status();
  ObjectReader fields(*fields_obj, "issue.fields");
  auto summary = fields.String("summary", true);
  std::string description = Description(*fields_obj, fields);
  auto labels = fields.Names("labels");
  auto resolved = JiraTime(fields, "resolutiondate");
  auto due = fields.EndOfDate("duedate", false);
  auto created = JiraTime(fields, "created");
  const boost::json::object* status_obj = fields.Object("status", false);
  const boost::json::object* project_obj = fields.Object("project", false);
  if (!fields.ok()) return fields.status();
  Result<std::string> category = StatusCategory(status_obj);
  if (!category.ok()) return category.status();
  std::string project_key;
  if (project_obj != nullptr) {
    ObjectReader project(*project_obj, "issue.fields.project");
    project_key = project.String("key", false, 256).value_or("");
    if (!project.ok()) return project.status();
  }
  if (project_key.empty()) {
    // "OPS-12" belongs to project OPS.
    const size_t dash = key->rfind('-');
    project_key = dash == std::string::npos || dash == 0 ? *key : key->substr(0, dash);
  }

  TrackerIssue t;
  t.id = *key;
  t.time = Time{Duration{millis}};
  t.title = *summary;
  t.description = std::move(description);
  t.url = BrowseUrl(self.value_or(""), *key);
  t.service = request.settings.ServiceFor(project_key);
  t.labels = labels.value_or(std::vector<std::string>{});
  t.done = *category == "done";
  t.closed_at = resolved;
  t.due = due;
  t.created_at = created;
  t.deleted = *event == "jira:issue_deleted";

  const std::string_view delivery = request.header("x-atlassian-webhook-identifier");
  std::string dedup_key = "jira:";
  if (delivery.empty()) {
    dedup_key += *event;
    dedup_key += ':';
    dedup_key += *key;
    dedup_key += ':';
    dedup_key += std::to_string(millis);
  } else {
    dedup_key += delivery;
  }
  return json_reader::OneEvent(request, "jira", std::move(dedup_key), std::move(t));
}

Status VerifyJira(const SourceRequest& request) {
  return signature::CheckHmacHeader(request, "x-hub-signature", "sha256=");
}

constexpr std::string_view kHeaders[] = {"x-atlassian-webhook-identifier"};

}  // namespace

extern const Source kSource_jira;
const Source kSource_jira{
    .name = "jira",
    .route = "/webhooks/jira",
    .needs_config = true,
    .parse = ParseJira,
    .headers = kHeaders,
    .verify = VerifyJira,
};

}  // namespace debriefd
