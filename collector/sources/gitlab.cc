// GitLab: Deployment Hook events with status success become deploys
// (deduplicated by the deployment id and status). Issue Hook and
// Confidential Issue Hook events, whatever their action (open, update,
// close, reopen), become one TrackerIssue each, the issue as that delivery
// saw it; whether it is an action item (its labels) is the tracker's
// question, never the parser's. Every other hook is answered 200 and
// ignored. Verified by X-Gitlab-Token (the hook's secret token, compared in
// constant time).
#include <cmath>
#include <cstdio>

#include "collector/sources/json_reader.h"
#include "collector/sources/signature.h"

namespace debriefd {
namespace {

using json_reader::Invalid;
using json_reader::ObjectReader;

// GitLab writes "2021-04-28 21:50:00 +0200" and "2021-04-28 19:50:00 UTC";
// RFC 3339 is accepted too.
std::optional<Time> ParseGitLabTime(std::string_view s) {
  if (auto t = ParseRfc3339(s)) return t;
  if (s.size() < 19 || s[10] != ' ') return std::nullopt;
  std::string rfc(s.substr(0, 19));
  rfc[10] = 'T';
  std::string_view zone = s.substr(19);
  if (zone == " UTC" || zone == " Z") return ParseRfc3339(rfc + "Z");
  if (zone.size() == 6 && zone[0] == ' ' && (zone[1] == '+' || zone[1] == '-')) {
    return ParseRfc3339(rfc + std::string(zone.substr(1, 3)) + ":" + std::string(zone.substr(4, 2)));
  }
  return std::nullopt;
}

// Issue descriptions are only searched for incident ids: any length the body
// limit lets through is read rather than rejecting the issue.
constexpr size_t kMaxDescription = size_t{1} << 30;
// 2^53: issue numbers above it cannot be told apart as JSON numbers.
constexpr double kMaxIssueNumber = 9007199254740992.0;

// A time GitLab writes in either of its forms; null or absent is none.
std::optional<Time> GitLabTime(ObjectReader& r, const char* key, bool required, std::string* text = nullptr) {
  std::optional<std::string> s = r.String(key, required, 64);
  if (!s) return std::nullopt;
  std::optional<Time> t = ParseGitLabTime(*s);
  if (!t) r.Fail(key, "not a time like 2021-04-28 21:50:00 +0200");
  if (text != nullptr) *text = std::move(*s);
  return t;
}

Result<std::vector<ParsedEvent>> ParseDeployment(const SourceRequest& request, const boost::json::object& body) {
  ObjectReader r(body, "");
  auto status = r.String("status", true, 32);
  auto changed_at_text = r.String("status_changed_at", true, 64);
  auto deployment_id = r.Number("deployment_id", true);
  auto environment = r.String("environment", true, 256);
  auto short_sha = r.String("short_sha", false, 64);
  auto deployable_url = r.String("deployable_url", false);
  auto commit_url = r.String("commit_url", false);
  auto commit_title = r.String("commit_title", false);
  const boost::json::object* project_obj = r.Object("project", true);
  if (!r.ok()) return r.status();
  ObjectReader project(*project_obj, "project");
  auto path = project.String("path_with_namespace", true, 512);
  if (!project.ok()) return project.status();
  std::optional<Time> changed_at = ParseGitLabTime(*changed_at_text);
  if (!changed_at) return Invalid("status_changed_at", "not a time like 2021-04-28 21:50:00 +0200");
  if (*status != "success") return std::vector<ParsedEvent>{};  // created, running, failed, canceled
  if (!request.settings.WantsEnvironment(*environment)) return std::vector<ParsedEvent>{};

  const std::string id = std::to_string(static_cast<uint64_t>(*deployment_id));
  ChangeEvent c;
  c.id = "gl-" + id;
  c.time = *changed_at;
  c.service = request.settings.ServiceFor(*path);
  c.kind = "deploy";
  c.environment = *environment;
  c.version = short_sha.value_or("");
  c.description = commit_title && !commit_title->empty() ? *commit_title : "deploy of " + *path;
  c.url = deployable_url && !deployable_url->empty() ? *deployable_url : commit_url.value_or("");

  return json_reader::OneEvent(request, "gitlab", "gitlab:" + id + ":" + *status, std::move(c));
}

Result<std::vector<ParsedEvent>> ParseIssue(const SourceRequest& request, const boost::json::object& body) {
  ObjectReader r(body, "");
  auto kind = r.String("object_kind", false, 64);
  if (!r.ok()) return r.status();
  // Tasks, epics and the other work items (object_kind work_item) are not
  // issues of a project.
  if (kind && *kind != "issue") return std::vector<ParsedEvent>{};
  const boost::json::object* attributes_obj = r.Object("object_attributes", true);
  const boost::json::object* project_obj = r.Object("project", true);
  auto labels = r.Names("labels", "title");
  if (!r.ok()) return r.status();
  ObjectReader attributes(*attributes_obj, "object_attributes");
  ObjectReader project(*project_obj, "project");
  auto iid = attributes.Number("iid", true);
  auto title = attributes.String("title", true);
  auto description = attributes.String("description", false, kMaxDescription);
  auto url = attributes.String("url", false);
  auto state = attributes.String("state", true, 32);
  auto action = attributes.String("action", false, 32);  // absent from the hook's test deliveries
  std::string updated_text;
  auto updated_at = GitLabTime(attributes, "updated_at", true, &updated_text);
  auto created_at = GitLabTime(attributes, "created_at", false);
  auto closed_at = GitLabTime(attributes, "closed_at", false);
  auto due = attributes.EndOfDate("due_date", false);
  // The top-level labels are the issue's; older GitLab sent them only here.
  if (!labels) labels = attributes.Names("labels", "title");
  auto path = project.String("path_with_namespace", true, 512);
  for (const ObjectReader* part : {&attributes, &project}) {
    if (!part->ok()) return part->status();
  }
  if (*iid < 1 || *iid > kMaxIssueNumber || *iid != std::floor(*iid)) {
    return Invalid("object_attributes.iid", "not a positive integer");
  }

  TrackerIssue t;
  t.id = *path;
  t.id += '#';
  t.id += std::to_string(static_cast<uint64_t>(*iid));
  t.time = *updated_at;
  t.title = *title;
  t.description = description.value_or("");
  t.url = url.value_or("");
  t.service = request.settings.ServiceFor(*path);
  t.labels = labels.value_or(std::vector<std::string>{});
  t.done = *state == "closed";
  t.closed_at = closed_at;
  t.due = due;
  t.created_at = created_at;
  // GitLab sends no hook when an issue is deleted: `deleted` stays false.

  // Idempotency-Key names one delivery and stays the same across its
  // retries. X-Gitlab-Event-UUID is shared by every hook GitLab fires while
  // handling one request (a merge that closes two issues), so it is scoped
  // to the issue. Without either, the snapshot itself is the key.
  std::string dedup_key = "gitlab:";
  if (const std::string_view key = request.header("idempotency-key"); !key.empty()) {
    dedup_key += key;
  } else if (const std::string_view uuid = request.header("x-gitlab-event-uuid"); !uuid.empty()) {
    dedup_key += uuid;
    dedup_key += ':';
    dedup_key += t.id;
  } else {
    dedup_key += "issue:";
    dedup_key += t.id;
    dedup_key += ':';
    dedup_key += updated_text;
    dedup_key += ':';
    dedup_key += action.value_or("");
  }
  return json_reader::OneEvent(request, "gitlab", std::move(dedup_key), std::move(t));
}

Result<std::vector<ParsedEvent>> ParseGitLab(const SourceRequest& request) {
  const std::string_view event = request.header("x-gitlab-event");
  if (event.empty()) return Invalid("X-Gitlab-Event", "missing header");
  boost::json::value v;
  Result<const boost::json::object*> body = json_reader::ParseBodyObject(request.body, v);
  if (!body.ok()) return body.status();
  if (event == "Deployment Hook") return ParseDeployment(request, **body);
  if (event == "Issue Hook" || event == "Confidential Issue Hook") return ParseIssue(request, **body);
  return std::vector<ParsedEvent>{};  // pushes, pipelines, merge requests, ...: nothing to record
}

Status VerifyGitLab(const SourceRequest& request) { return signature::CheckTokenHeader(request, "x-gitlab-token"); }

constexpr std::string_view kHeaders[] = {"x-gitlab-event", "idempotency-key", "x-gitlab-event-uuid"};

}  // namespace

extern const Source kSource_gitlab;
const Source kSource_gitlab{
    .name = "gitlab",
    .route = "/webhooks/gitlab",
    .needs_config = true,
    .parse = ParseGitLab,
    .headers = kHeaders,
    .verify = VerifyGitLab,
};

}  // namespace debriefd
